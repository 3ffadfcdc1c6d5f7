import type { Counter, Gauge } from 'prom-client';
import { CODE_CLASSES, codeClassIndex } from './code-class.js';
import type { NativeFamilies } from './native-families.js';

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
 * The metrics handle of one listener (frontend), made once and cached by the facade. The data path
 * calls, per connection: `connectionOpened()` … `connectionClosed()`; per HTTP request: `request()`
 * then exactly one `response(status)` (status 0 when the client went away first).
 */
export class FrontendMetrics {
  readonly name: string;
  readonly kind: 'http' | 'stream';
  readonly #stub: StubStatus | undefined;
  readonly #connections: Counter.Internal;
  readonly #current: Gauge.Internal<'frontend'>;
  readonly #requests: Counter.Internal;
  readonly #responses: readonly Counter.Internal[];
  readonly #bytesIn: Counter.Internal;
  readonly #bytesOut: Counter.Internal;

  constructor(f: NativeFamilies, stub: StubStatus, name: string, kind: 'http' | 'stream') {
    this.name = name;
    this.kind = kind;
    this.#stub = kind === 'http' ? stub : undefined;
    this.#connections = f.frontendConnections.labels(name);
    this.#current = f.frontendCurrent.labels(name);
    this.#requests = f.frontendRequests.labels(name);
    this.#responses = CODE_CLASSES.map((c) => f.frontendResponses.labels(name, c));
    this.#bytesIn = f.frontendBytesIn.labels(name);
    this.#bytesOut = f.frontendBytesOut.labels(name);
  }

  /** A client connection was accepted and will be served (nginx counts it in accepts and handled). */
  connectionOpened(): void {
    const s = this.#stub;
    if (s !== undefined) {
      s.accepted++;
      s.handled++;
      s.active++;
    }
    this.#connections.inc();
    this.#current.inc();
  }

  /**
   * A connection was accepted and dropped at once (connection limit): nginx counts it in accepts but
   * not in handled.
   */
  connectionRefused(): void {
    if (this.#stub !== undefined) this.#stub.accepted++;
    this.#connections.inc();
  }

  /** A client connection closed. */
  connectionClosed(): void {
    if (this.#stub !== undefined && this.#stub.active > 0) this.#stub.active--;
    this.#current.dec();
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
    this.#requests.inc();
  }

  /** The response to a request ended with `status`; balances one `request()`. */
  response(status: number): void {
    if (this.#stub !== undefined && this.#stub.writing > 0) this.#stub.writing--;
    this.#responses[codeClassIndex(status)]?.inc();
  }

  /** Bytes moved on client connections: `fromClient` received, `toClient` sent. */
  bytes(fromClient: number, toClient: number): void {
    if (fromClient > 0) this.#bytesIn.inc(fromClient);
    if (toClient > 0) this.#bytesOut.inc(toClient);
  }
}
