import { codeClassIndex } from './code-class.js';

/**
 * nginx's stub_status counters (`ngx_http_stub_status_module`), summed over every HTTP frontend.
 * Stream listeners are not counted, as in nginx, where stub_status is an http-module feature.
 */
export interface StubStatus {
  accepted: number;
  handled: number;
  active: number;
  /** Requests between their headers and the end of their response (nginx "writing"). */
  writing: number;
  requests: number;
}

/** A fresh, zeroed stub_status. */
export function newStubStatus(): StubStatus {
  return { accepted: 0, handled: 0, active: 0, writing: 0, requests: 0 };
}

/**
 * The metrics handle of one listener (frontend), made once and cached by the facade; plain number
 * fields read at scrape time. The data path calls, per connection: `connectionOpened()` …
 * `connectionClosed()`; per HTTP request: `request()` then exactly one `response(status)` (status 0
 * when the client went away first).
 */
export class FrontendMetrics {
  readonly name: string;
  readonly kind: 'http' | 'stream';
  connections = 0;
  current = 0;
  requests = 0;
  /** Indexed like CODE_CLASSES: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
  readonly responses: number[] = [0, 0, 0, 0, 0, 0];
  bytesIn = 0;
  bytesOut = 0;
  /** `{frontend}`, made once for the scrape. */
  readonly labels: Readonly<Record<'frontend', string>>;
  readonly #stub: StubStatus | undefined;

  constructor(stub: StubStatus, name: string, kind: 'http' | 'stream') {
    this.name = name;
    this.kind = kind;
    this.labels = { frontend: name };
    this.#stub = kind === 'http' ? stub : undefined;
  }

  /** A client connection was accepted and will be served (nginx counts it in accepts and handled). */
  connectionOpened(): void {
    const s = this.#stub;
    if (s !== undefined) {
      s.accepted++;
      s.handled++;
      s.active++;
    }
    this.connections++;
    this.current++;
  }

  /** A connection was accepted and dropped at once (a limit): nginx counts it in accepts, not handled. */
  connectionRefused(): void {
    if (this.#stub !== undefined) this.#stub.accepted++;
    this.connections++;
  }

  /** A client connection closed. */
  connectionClosed(): void {
    if (this.#stub !== undefined && this.#stub.active > 0) this.#stub.active--;
    if (this.current > 0) this.current--;
  }

  /**
   * An HTTP request arrived with its headers parsed (Node parses them before the handler runs, so
   * nginx's "reading" state is never observable here and stays 0).
   */
  request(): void {
    const s = this.#stub;
    if (s !== undefined) {
      s.requests++;
      s.writing++;
    }
    this.requests++;
  }

  /** The response to a request ended with `status`; balances one `request()`. */
  response(status: number): void {
    if (this.#stub !== undefined && this.#stub.writing > 0) this.#stub.writing--;
    const i = codeClassIndex(status);
    this.responses[i] = (this.responses[i] ?? 0) + 1;
  }

  /** Bytes moved on client connections: `fromClient` received, `toClient` sent. */
  bytes(fromClient: number, toClient: number): void {
    this.bytesIn += fromClient;
    this.bytesOut += toClient;
  }
}
