import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyOutput } from './body-decoder.js';
import type { RequestHead } from './request-parser.js';

/** Receives a request body once someone asked for it ({@link ClientRequest.readBody}). */
export interface BodySink {
  bodyData(chunk: Buffer): void;
  bodyEnd(): void;
}

/** What a request needs from the connection it arrived on. */
export interface RequestConnection {
  readonly socket: Socket;
  /** Stops reading the socket (the body consumer is slow). */
  pauseBody(): void;
  resumeBody(): void;
  /** Writes `HTTP/1.1 100 Continue` (nginx `ngx_http_test_expect`). */
  sendContinue(): void;
}

/** Body bytes held before a consumer attaches; past this the socket stops being read. */
const queueLimit = 64 * 1024;

const discard: BodySink = { bodyData: () => undefined, bodyEnd: () => undefined };

/**
 * One client request as Tandem's HTTP server parsed it: the head's fields (flat raw headers, the
 * framing nginx acts on) and a body delivered on demand with backpressure. The `headers` object
 * is built only when something asks for it (the access log's `$http_NAME`).
 */
export class ClientRequest implements RequestHead, BodyOutput {
  // The head's fields, copied into own properties (documented on RequestHead): read per request.
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly http11: boolean;
  readonly rawHeaders: string[];
  readonly host: string | undefined;
  readonly contentLength: number;
  readonly chunked: boolean;
  readonly keepAlive: boolean;
  readonly expectContinue: boolean;
  readonly upgrade: boolean;
  readonly socket: Socket;
  readonly #conn: RequestConnection;
  #sink: BodySink | undefined;
  #queue: Buffer[] | undefined;
  #queued = 0;
  #received = false;
  #ended: boolean;
  #headers: IncomingHttpHeaders | undefined;

  constructor(head: RequestHead, conn: RequestConnection) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.http11 = head.http11;
    this.rawHeaders = head.rawHeaders;
    this.host = head.host;
    this.contentLength = head.contentLength;
    this.chunked = head.chunked;
    this.keepAlive = head.keepAlive;
    this.expectContinue = head.expectContinue;
    this.upgrade = head.upgrade;
    this.socket = conn.socket;
    this.#conn = conn;
    this.#ended = head.upgrade || (!head.chunked && head.contentLength <= 0);
  }

  /** True once the whole body arrived (or there is none). */
  get bodyEnded(): boolean {
    return this.#ended;
  }

  /**
   * The first value of header `lower` (a lower-case name), or with `join` every value joined by
   * it (nginx 1.22 keeps Cookie and X-Forwarded-For as lists); undefined when absent.
   */
  header(lower: string, join?: string): string | undefined {
    const raw = this.rawHeaders;
    let out: string | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i] ?? '';
      if (n.length !== lower.length || n.toLowerCase() !== lower) continue;
      const v = raw[i + 1] ?? '';
      if (join === undefined) return v;
      out = out === undefined ? v : `${out}${join}${v}`;
    }
    return out;
  }

  /** The headers by lower-case name, as Node's `IncomingMessage.headers` shapes them. */
  get headers(): IncomingHttpHeaders {
    if (this.#headers !== undefined) return this.#headers;
    const h: Record<string, string | string[]> = {};
    const raw = this.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] ?? '').toLowerCase();
      const value = raw[i + 1] ?? '';
      const prev = h[name];
      if (name === 'set-cookie') (Array.isArray(prev) ? prev : (h[name] = [])).push(value);
      else if (prev === undefined) h[name] = value;
      else h[name] = `${prev as string}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    this.#headers = h;
    return h;
  }

  /**
   * Starts delivering the body to `sink` (bytes that already arrived first). Sends
   * `100 Continue` first when the client waits for it, as nginx does when it starts reading.
   */
  readBody(sink: BodySink): void {
    this.#sink = sink;
    if (this.expectContinue && this.http11 && !this.#received && !this.#ended) this.#conn.sendContinue();
    const q = this.#queue;
    this.#queue = undefined;
    if (q !== undefined) for (const c of q) sink.bodyData(c);
    if (this.#queued >= queueLimit) this.#conn.resumeBody();
    this.#queued = 0;
    if (this.#ended) sink.bodyEnd();
  }

  /** Stops reading the client while the body's consumer is slow. */
  pause(): void {
    this.#conn.pauseBody();
  }

  /** Reads the client again. */
  resume(): void {
    this.#conn.resumeBody();
  }

  /** Drops the rest of the body (nginx discards an unread body before the next request). */
  discardBody(): void {
    this.#sink = discard;
    this.#queue = undefined;
    this.#queued = 0;
  }

  /** @internal From the connection: decoded body bytes. */
  bodyData(chunk: Buffer): void {
    this.#received = true;
    const sink = this.#sink;
    if (sink !== undefined) {
      sink.bodyData(chunk);
      return;
    }
    (this.#queue ??= []).push(chunk);
    this.#queued += chunk.length;
    if (this.#queued >= queueLimit) this.#conn.pauseBody();
  }

  /** @internal From the connection: the body is complete. */
  bodyEnd(): void {
    this.#ended = true;
    this.#sink?.bodyEnd();
  }
}
