import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import type { Logger } from '../../../src/index.js';
import type { ScriptRunner } from './script-runner.js';

/** A notify line's scope and state, as keepalived writes them (keepalived.md §4). */
export type NotifyScope = 'INSTANCE' | 'GROUP';

/** The FIFO line keepalived writes: `INSTANCE "VI_1" MASTER 150\n`, `GROUP "G1" BACKUP 0\n`. */
export function fifoLine(scope: NotifyScope, name: string, state: string, priority: number): string {
  return `${scope} "${name}" ${state} ${priority}\n`;
}

/**
 * keepalived's `notify_fifo` / `vrrp_notify_fifo`: a named pipe that gets one line per state change.
 * Created (mode 0644, with coreutils `mkfifo`: Node cannot) when missing; opened O_RDWR|O_NONBLOCK
 * so opening never waits for a reader and a full pipe drops the line (logged) instead of blocking
 * VRRP. The optional `*_fifo_script` is started with the FIFO path as its last argument.
 */
export class NotifyFifo {
  readonly path: string;
  readonly #fd: number;
  readonly #log: Logger;

  private constructor(path: string, fd: number, log: Logger) {
    this.path = path;
    this.#fd = fd;
    this.#log = log;
  }

  /** Creates/opens the FIFO and starts its reader script, if any (killed only when it exits on its own). */
  static open(path: string, log: Logger, script?: { line: string; runner: ScriptRunner }): NotifyFifo {
    let isFifo: boolean;
    try {
      isFifo = statSync(path).isFIFO();
    } catch {
      const r = spawnSync('mkfifo', ['-m', '0644', path], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cannot create notify FIFO ${path}: ${r.stderr.trim()}`);
      isFifo = true;
    }
    if (!isFifo) throw new Error(`notify FIFO ${path} exists and is not a FIFO`);
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    if (script !== undefined) void script.runner.run(script.line, [path], 2 ** 31 - 1);
    return new NotifyFifo(path, fd, log);
  }

  /** Writes one line; never blocks. */
  write(line: string): void {
    try {
      writeSync(this.#fd, line);
    } catch (err) {
      this.#log.warn(`notify FIFO ${this.path}: line dropped (${(err as Error).message})`);
    }
  }

  /** Closes the FIFO. */
  close(): void {
    closeSync(this.#fd);
  }
}
