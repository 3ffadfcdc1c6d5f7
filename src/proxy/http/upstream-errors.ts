import type { ClientRequest } from './client-request.js';
import type { Logger } from '../../core/logger.js';
/**
 * nginx's wording for upstream failures in error.log, so operators' log alerts keep matching
 * (`ngx_http_upstream.c`, `ngx_event_connect.c`; errno numbers and texts as on Linux).
 */

/** What the proxy was doing when an attempt failed (nginx's "while …" log context). */
export type UpstreamPhase = 'connecting' | 'sending' | 'header' | 'body';

const phaseText: Readonly<Record<UpstreamPhase, string>> = {
  connecting: 'while connecting to upstream',
  sending: 'while sending request to upstream',
  header: 'while reading response header from upstream',
  body: 'while reading upstream',
};

const errnos: Readonly<Record<string, readonly [number, string]>> = {
  ECONNREFUSED: [111, 'Connection refused'],
  ECONNRESET: [104, 'Connection reset by peer'],
  EPIPE: [32, 'Broken pipe'],
  ETIMEDOUT: [110, 'Connection timed out'],
  EHOSTUNREACH: [113, 'No route to host'],
  ENETUNREACH: [101, 'Network is unreachable'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'],
  EADDRINUSE: [98, 'Address already in use'],
};

/** `connect() failed (111: Connection refused) while connecting to upstream` and its siblings. */
export function socketErrorMessage(err: NodeJS.ErrnoException | undefined, phase: UpstreamPhase): string {
  if (err === undefined) return `upstream prematurely closed connection ${phaseText[phase]}`;
  const e = errnos[err.code ?? ''];
  const syscall = phase === 'connecting' ? 'connect()' : phase === 'sending' ? 'writev()' : 'recv()';
  const what = e === undefined ? `(${err.code ?? 'EIO'}: ${err.message})` : `(${e[0]}: ${e[1]})`;
  return `${syscall} failed ${what} ${phaseText[phase]}`;
}

/** `upstream timed out (110: Connection timed out) while reading response header from upstream`. */
export function timeoutMessage(phase: UpstreamPhase): string {
  return `upstream timed out (110: Connection timed out) ${phaseText[phase]}`;
}

/** `upstream sent invalid header …` / `upstream sent too big header …` (`detail`: the parser's own wording). */
export function invalidHeaderMessage(
  kind: 'invalid_header' | 'too_big' | 'invalid_body',
  detail?: string,
): string {
  if (detail !== undefined) return `${detail} ${phaseText.header}`;
  if (kind === 'too_big') return `upstream sent too big header ${phaseText.header}`;
  if (kind === 'invalid_body') return `upstream sent invalid chunked response ${phaseText.body}`;
  return `upstream sent no valid HTTP/1.0 header ${phaseText.header}`;
}

/** `no live upstreams while connecting to upstream`. */
export const noLiveUpstreams = `no live upstreams ${phaseText.connecting}`;

/**
 * Logs an upstream error at `error` level with nginx's context fields (`client`, `server`,
 * `request`, `upstream: "http://PEER/URI"`, `host`).
 */
export function logUpstreamError(
  logger: Logger,
  req: ClientRequest,
  serverName: string,
  peer: string,
  uri: string,
  message: string,
): void {
  logger.error(message, {
    client: req.socket.remoteAddress,
    server: serverName,
    request: `${req.method} ${req.url} HTTP/${req.httpVersion}`,
    upstream: `http://${peer}${uri}`,
    host: req.host,
  });
}
