import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Extra structured fields on a log record (JSON mode shows them; text mode shows only the message). */
export type LogFields = Readonly<Record<string, unknown>>;

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The logger every plugin gets. Messages are keepalived's and nginx's own wording where one exists
 * (`(VI_1) Entering MASTER STATE`), so operators' greps and alerts keep working.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

/** One record as a memory logger keeps it. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly msg: string;
  readonly fields: LogFields;
}

/** How the daemon writes its log. */
export interface LoggerOptions {
  /** `text`: keepalived-style lines, the default; `json`: one pino JSON object per line. */
  readonly format?: 'text' | 'json';
  readonly level?: LogLevel;
  /** Where lines go; stderr by default. */
  readonly write?: (line: string) => void;
}

const levelNames: Readonly<Record<number, LogLevel>> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

class PinoAdapter implements Logger {
  readonly #p: PinoLogger;
  constructor(p: PinoLogger) {
    this.#p = p;
  }
  debug(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#p.debug(msg);
    else this.#p.debug(fields, msg);
  }
  info(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#p.info(msg);
    else this.#p.info(fields, msg);
  }
  warn(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#p.warn(msg);
    else this.#p.warn(fields, msg);
  }
  error(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.#p.error(msg);
    else this.#p.error(fields, msg);
  }
  child(bindings: LogFields): Logger {
    return new PinoAdapter(this.#p.child(bindings));
  }
  isLevelEnabled(level: LogLevel): boolean {
    return this.#p.isLevelEnabled(level);
  }
}

function parseRecord(line: string): { level: LogLevel; time: number; msg: string; fields: LogFields } {
  const obj = JSON.parse(line) as Record<string, unknown>;
  const { level, time, msg, pid: _pid, hostname: _host, ...fields } = obj;
  return {
    level: levelNames[typeof level === 'number' ? level : 30] ?? 'info',
    time: typeof time === 'number' ? time : Date.now(),
    msg: typeof msg === 'string' ? msg : '',
    fields,
  };
}

/** keepalived-style text line: timestamp, then the message as keepalived would print it. */
function textLine(line: string): string {
  const r = parseRecord(line);
  const prefix = r.level === 'warn' ? 'WARNING: ' : r.level === 'error' ? 'ERROR: ' : '';
  return `${new Date(r.time).toISOString()} ${prefix}${r.msg}\n`;
}

/** Creates the daemon's logger (pino underneath; text or JSON lines). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((s: string) => process.stderr.write(s));
  const format = options.format ?? 'text';
  const stream: DestinationStream = {
    write:
      format === 'json'
        ? write
        : (line: string) => {
            write(textLine(line));
          },
  };
  return new PinoAdapter(pino({ level: options.level ?? 'info', base: null }, stream));
}

/** A logger that keeps records in memory, for tests that assert keepalived's exact lines. */
export function createMemoryLogger(level: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream: DestinationStream = {
    write: (line: string) => {
      const r = parseRecord(line);
      records.push({ level: r.level, msg: r.msg, fields: r.fields });
    },
  };
  return { logger: new PinoAdapter(pino({ level, base: null }, stream)), records };
}

/** A logger that drops everything. */
export const silentLogger: Logger = new PinoAdapter(pino({ level: 'silent' }));
