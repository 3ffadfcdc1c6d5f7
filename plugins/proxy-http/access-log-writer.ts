import { createWriteStream, type WriteStream } from 'node:fs';
import type { AccessEntry, Logger, NginxAccessLogConfig } from '../../src/index.js';

type Getter = (e: AccessEntry, now: Date) => string | undefined;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offset(now: Date, sep: string): string {
  const m = -now.getTimezoneOffset();
  const a = Math.abs(m);
  return `${m < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${sep}${pad(a % 60)}`;
}

/** `$request` is `METHOD URI HTTP/x.y`: its middle part. */
function requestUri(request: string): string {
  return request.slice(request.indexOf(' ') + 1, request.lastIndexOf(' '));
}

/** `$remote_user`: the user of a Basic Authorization header (nginx decodes it with or without auth_basic). */
function remoteUser(e: AccessEntry): string | undefined {
  const auth = e.headers.authorization;
  if (auth === undefined || !/^basic /i.test(auth)) return undefined;
  const plain = Buffer.from(auth.slice(6).trim(), 'base64').toString('latin1');
  const colon = plain.indexOf(':');
  return colon < 0 ? undefined : plain.slice(0, colon);
}

/** The variables an access line can show: those of {@link AccessEntry}, the clock and `$http_*`. */
const GETTERS: Readonly<Record<string, Getter>> = {
  remote_addr: (e) => e.remoteAddr,
  request: (e) => e.request,
  request_method: (e) => e.request.slice(0, e.request.indexOf(' ')),
  request_uri: (e) => requestUri(e.request),
  server_protocol: (e) => e.request.slice(e.request.lastIndexOf(' ') + 1),
  remote_user: remoteUser,
  pid: () => String(process.pid),
  status: (e) => String(e.status),
  upstream_addr: (e) => (e.upstreamAddr === '' ? undefined : e.upstreamAddr),
  upstream_status: (e) => (e.upstreamStatus === '' ? undefined : e.upstreamStatus),
  request_time: (e) => (e.requestTimeMs / 1000).toFixed(3),
  host: (e) => e.host,
  msec: (_e, now) => (now.getTime() / 1000).toFixed(3),
  time_local: (_e, now) =>
    `${pad(now.getDate())}/${MONTHS[now.getMonth()] ?? ''}/${now.getFullYear()}:` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())} ${offset(now, '')}`,
  time_iso8601: (_e, now) =>
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}${offset(now, ':')}`,
};

function headerGetter(name: string): Getter {
  const header = name.slice(5).replaceAll('_', '-');
  return (e) => {
    const v = e.headers[header];
    return Array.isArray(v) ? v.join(header === 'cookie' ? '; ' : ', ') : v;
  };
}

/** nginx `ngx_http_log_escape`: `"`, `\` and bytes outside 0x20..0x7e become `\xHH`. */
function escapeDefault(v: string): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/["\\\x00-\x1f\x7f-\uffff]/g, (c) =>
    [...Buffer.from(c)].map((b) => `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** `escape=json`: a JSON string body. */
function escapeJson(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

/**
 * Compiles a `log_format` text into a line builder. Variables Tandem has no value for (for example
 * `$body_bytes_sent`, `$upstream_response_time`) are logged as `-`, as nginx logs a variable that is
 * not found, and are returned in `missing` so the operator is told once at start.
 */
export function compileLogFormat(
  format: string,
  escape: NginxAccessLogConfig['escape'],
): { line: (e: AccessEntry, now: Date) => string; missing: string[] } {
  const parts: (string | Getter)[] = [];
  const missing: string[] = [];
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    parts.push(format.slice(last, m.index));
    last = m.index + m[0].length;
    const name = (m[1] ?? m[2] ?? '').toLowerCase();
    const g = name.startsWith('http_') ? headerGetter(name) : GETTERS[name];
    if (g === undefined) missing.push(`$${name}`);
    parts.push(g ?? (() => undefined));
  }
  parts.push(format.slice(last));
  const esc = escape === 'json' ? escapeJson : escape === 'none' ? (v: string) => v : escapeDefault;
  const notFound = escape === 'json' ? '' : '-';
  return {
    missing,
    line: (e, now) => {
      let s = '';
      for (const p of parts) {
        if (typeof p === 'string') s += p;
        else {
          const v = p(e, now);
          s += v === undefined ? notFound : esc(v);
        }
      }
      return `${s}\n`;
    },
  };
}

/** The open access logs of one http block: one append stream per file, written per request. */
export interface AccessLogs {
  write(e: AccessEntry): void;
  close(): void;
}

/**
 * Opens the http-level access logs (appending, as nginx does). A file that cannot be written is
 * reported once and skipped; it never affects the request.
 */
export function openAccessLogs(configs: readonly NginxAccessLogConfig[], log: Logger): AccessLogs {
  const streams = new Map<string, WriteStream>();
  const writers: { out: NodeJS.WritableStream; line: (e: AccessEntry, now: Date) => string }[] = [];
  for (const c of configs) {
    const { line, missing } = compileLogFormat(c.format, c.escape);
    if (missing.length > 0)
      log.warn(`access_log ${c.path}: ${missing.join(', ')} not available in Tandem, logged as "-"`);
    let out: NodeJS.WritableStream | undefined = streams.get(c.path);
    if (out === undefined) {
      const s = createWriteStream(c.path, { flags: 'a' });
      let reported = false;
      s.on('error', (err) => {
        if (!reported) log.error(`access_log ${c.path}: ${err.message}`);
        reported = true;
      });
      streams.set(c.path, s);
      out = s;
    }
    writers.push({ out, line });
  }
  return {
    write(e) {
      const now = new Date();
      for (const w of writers) w.out.write(w.line(e, now));
    },
    close() {
      for (const s of streams.values()) s.end();
    },
  };
}
