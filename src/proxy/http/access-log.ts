import type { IncomingHttpHeaders } from 'node:http';
import type { ClientRequest } from './client-request.js';
import type { ClientResponse } from './client-response.js';

/**
 * One finished request, with the values of nginx's access-log variables, so the caller can write
 * an access log or compare retry chains with nginx (`$upstream_addr`, `$upstream_status`).
 */
export interface AccessEntry {
  /** `$remote_addr`. */
  readonly remoteAddr: string;
  /** `$request`: `GET /path HTTP/1.1`. */
  readonly request: string;
  /** `$status`: what the client got; 499 when it went away before a response head was sent. */
  readonly status: number;
  /** `$upstream_addr`: every peer tried, joined by ", " (the upstream name for "no live upstreams"); "" if none. */
  readonly upstreamAddr: string;
  /** `$upstream_status` per attempt, joined by ", " (502 for errors, 504 for timeouts). */
  readonly upstreamStatus: string;
  /** `$request_time` in milliseconds. */
  readonly requestTimeMs: number;
  /** `$host`. */
  readonly host: string;
  /** The client's request headers, for `$http_NAME` (the request's own object, not a copy). */
  readonly headers: IncomingHttpHeaders;
  /** The listener it came in on, `http:HOST:PORT` (the `frontend` metrics label). */
  readonly frontend?: string;
}

/** Receives an entry per request; it runs on the hot path, so it must be cheap and never throw. */
export type AccessLogSink = (entry: AccessEntry) => void;

/** The upstream attempts of one request, in order (nginx `u->state` array). */
export class UpstreamTrail {
  readonly addrs: string[] = [];
  readonly statuses: number[] = [];

  /** Records one attempt. */
  add(addr: string, status: number): void {
    this.addrs.push(addr);
    this.statuses.push(status);
  }
}

/**
 * The entry of one finished request, its text fields built only when read: the metrics hook
 * reads the status and, for a single attempt, the peer address as it is (no join, no split).
 */
export class FinishedRequest implements AccessEntry {
  readonly status: number;
  readonly requestTimeMs: number;
  readonly host: string;
  readonly frontend: string;
  readonly #req: ClientRequest;
  readonly #trail: UpstreamTrail | undefined;

  constructor(
    req: ClientRequest,
    status: number,
    requestTimeMs: number,
    host: string,
    trail: UpstreamTrail | undefined,
    frontend: string,
  ) {
    this.#req = req;
    this.status = status;
    this.requestTimeMs = requestTimeMs;
    this.host = host;
    this.#trail = trail;
    this.frontend = frontend;
  }

  get remoteAddr(): string {
    return this.#req.socket.remoteAddress ?? '';
  }

  get headers(): IncomingHttpHeaders {
    return this.#req.headers;
  }

  get request(): string {
    const r = this.#req;
    return `${r.method} ${r.url} HTTP/${r.httpVersion}`;
  }

  get upstreamAddr(): string {
    const a = this.#trail?.addrs;
    if (a === undefined) return '';
    return a.length === 1 ? (a[0] ?? '') : a.join(', ');
  }

  get upstreamStatus(): string {
    const s = this.#trail?.statuses;
    if (s === undefined) return '';
    return s.length === 1 ? String(s[0]) : s.join(', ');
  }
}

/**
 * Calls `sink` once the exchange with the client is over (response finished, or the client
 * went away), with the request's nginx log variables.
 */
export function logOnClose(
  sink: AccessLogSink | undefined,
  res: ClientResponse,
  host: string,
  trail: UpstreamTrail | undefined,
  frontend = '',
): void {
  if (sink !== undefined) res.logTo(sink, host, trail, frontend);
}
