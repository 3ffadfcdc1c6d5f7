import type { Socket } from 'node:net';
import { FinishedRequest, type AccessLogSink, type UpstreamTrail } from './access-log.js';
import type { ClientRequest } from './client-request.js';

/** Told what happens to a response's connection (the proxied request implements it). */
export interface ResponseHandler {
  /** The client went away before the response was complete (nginx 499). */
  clientGone(): void;
  /** A write that returned false has drained. */
  clientDrain(): void;
}

/** What a response needs from the connection it answers on. */
export interface ResponseConnection {
  readonly socket: Socket;
  /** The response is complete: go on with the next request or close. */
  responseFinished(res: ClientResponse): void;
  /** Hands the socket over (a WebSocket tunnel); returns bytes the client sent after its head. */
  detach(): Buffer | undefined;
}

/** Bodies up to this size are copied into one buffer with the head or chunk framing: one write. */
const copyLimit = 16 * 1024;
const lastChunk = '0\r\n\r\n';

/**
 * The response writer of Tandem's HTTP server: writes an nginx-ordered head with the framing and
 * `Connection` headers it decides (`Content-Length` as given, else chunked for HTTP/1.1 clients,
 * else close-delimited), then body chunks with the socket's backpressure. The head waits for the
 * first body bytes so a small response leaves in one write.
 */
export class ClientResponse {
  statusCode = 0;
  /** True once the head was written (or queued with the first body bytes). */
  headersSent = false;
  /** True once the response completed. */
  finished = false;
  /** Whether the connection may serve another request after this response. */
  shouldKeepAlive: boolean;
  /** Receives client-side events; set by whoever answers the request. */
  handler: ResponseHandler | undefined;
  readonly req: ClientRequest;
  readonly #conn: ResponseConnection;
  #head: string | undefined;
  #chunked = false;
  #noBody = false;
  #needDrain = false;
  #corked = false;
  #closed = false;
  #log: AccessLogSink | undefined;
  #logHost = '';
  #logTrail: UpstreamTrail | undefined;
  #logFrontend = '';
  #started = 0;

  constructor(req: ClientRequest, conn: ResponseConnection, keepAlive: boolean) {
    this.req = req;
    this.#conn = conn;
    this.shouldKeepAlive = keepAlive && !req.upgrade;
  }

  /** The client's socket. */
  get socket(): Socket {
    return this.#conn.socket;
  }

  /** Asks for one access-log entry when the exchange ends (see `logOnClose`). */
  logTo(sink: AccessLogSink, host: string, trail: UpstreamTrail | undefined, frontend = ''): void {
    this.#log = sink;
    this.#logHost = host;
    this.#logTrail = trail;
    this.#logFrontend = frontend;
    this.#started = Date.now();
  }

  /**
   * Prepares the head: status line and `headers` (names and values alternating), with
   * `Transfer-Encoding` and `Connection` inserted before entry `framingAt` (nginx writes them after
   * its fixed slots, before the other headers; default: last). `contentLength` is the body length
   * the headers already state, or -1 when unknown.
   */
  writeHead(
    status: number,
    reason: string,
    headers: readonly string[],
    contentLength: number,
    framingAt = headers.length,
  ): void {
    this.statusCode = status;
    this.headersSent = true;
    const req = this.req;
    this.#noBody = req.method === 'HEAD' || status === 204 || status === 304 || status < 200;
    let head = `HTTP/1.1 ${status} ${reason}\r\n`;
    const at = Math.min(framingAt, headers.length);
    for (let i = 0; i + 1 < at; i += 2) head += `${headers[i] ?? ''}: ${headers[i + 1] ?? ''}\r\n`;
    if (!this.#noBody && contentLength < 0) {
      // nginx's chunked filter: HTTP/1.1 clients get chunks; HTTP/1.0 ones a body ended by close.
      if (req.http11) {
        this.#chunked = true;
        head += 'Transfer-Encoding: chunked\r\n';
      } else this.shouldKeepAlive = false;
    }
    head += this.shouldKeepAlive ? 'Connection: keep-alive\r\n' : 'Connection: close\r\n';
    for (let i = at; i + 1 < headers.length; i += 2)
      head += `${headers[i] ?? ''}: ${headers[i + 1] ?? ''}\r\n`;
    head += '\r\n';
    this.#head = head;
  }

  /** Writes body bytes; false when the socket is full ({@link ResponseHandler.clientDrain} follows). */
  write(chunk: Buffer): boolean {
    if (this.#closed || this.finished) return true;
    if (this.#noBody || chunk.length === 0) return this.#head === undefined || this.#flushHead(undefined);
    const ok = this.#send(chunk, false);
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Completes the response (with optional last body bytes). */
  end(chunk?: Buffer): void {
    if (this.#closed || this.finished) return;
    if (this.#noBody || chunk === undefined || chunk.length === 0) {
      if (this.#chunked) this.#flushHead(lastChunk);
      else if (this.#head !== undefined) this.#flushHead(undefined);
    } else this.#send(chunk, true);
    this.finished = true;
    this.#conn.responseFinished(this);
  }

  /** Aborts: closes the client connection (nginx cuts the client off when the upstream broke). */
  destroy(): void {
    this.#conn.socket.destroy();
  }

  /** Hands the client socket to a tunnel; returns bytes the client sent after the request head. */
  detachSocket(): Buffer | undefined {
    this.statusCode = 101;
    this.headersSent = true;
    this.finished = true;
    this.#closed = true;
    this.#logEntry();
    return this.#conn.detach();
  }

  /** @internal Ends the tick's cork (see `#send`); the next tick's chunks cork again. */
  uncorkTick(): void {
    this.#corked = false;
    this.#conn.socket.uncork();
  }

  /** @internal From the connection: the socket drained. */
  drained(): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.handler?.clientDrain();
  }

  /** @internal From the connection: the exchange is over (`aborted`: before the response completed). */
  closed(aborted: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (aborted) this.handler?.clientGone();
    this.#logEntry();
  }

  #logEntry(): void {
    const sink = this.#log;
    if (sink === undefined) return;
    this.#log = undefined;
    const status = this.headersSent ? this.statusCode : 499;
    try {
      sink(
        new FinishedRequest(
          this.req,
          status,
          Date.now() - this.#started,
          this.#logHost,
          this.#logTrail,
          this.#logFrontend,
        ),
      );
    } catch {
      // A failing log sink must not take the data path down.
    }
  }

  #flushHead(tail: string | undefined): boolean {
    const head = tail === undefined ? this.#head : (this.#head ?? '') + tail;
    this.#head = undefined;
    if (head === undefined || head === '') return true;
    return this.#conn.socket.write(head, 'latin1');
  }

  /** One body chunk with whatever must precede and follow it, in one write when small. */
  #send(chunk: Buffer, last: boolean): boolean {
    const head = this.#head;
    this.#head = undefined;
    const socket = this.#conn.socket;
    if (this.#chunked && !this.#corked) {
      // Chunks written in one tick (typically the last data chunk and the terminating 0 chunk)
      // leave in one writev, as Node's ServerResponse corks them: one segment, one system call.
      this.#corked = true;
      socket.cork();
      process.nextTick(uncork, this);
    }
    const pre = this.#chunked ? `${head ?? ''}${chunk.length.toString(16)}\r\n` : (head ?? '');
    const post = this.#chunked ? (last ? `\r\n${lastChunk}` : '\r\n') : '';
    if (pre === '' && post === '') return socket.write(chunk);
    if (chunk.length <= copyLimit) {
      const total = pre.length + chunk.length + post.length;
      const out = Buffer.allocUnsafe(total);
      out.write(pre, 0, 'latin1');
      chunk.copy(out, pre.length);
      if (post !== '') out.write(post, pre.length + chunk.length, 'latin1');
      return socket.write(out);
    }
    socket.cork();
    if (pre !== '') socket.write(pre, 'latin1');
    let ok = socket.write(chunk);
    if (post !== '') ok = socket.write(post, 'latin1');
    socket.uncork();
    return ok;
  }
}

function uncork(res: ClientResponse): void {
  res.uncorkTick();
}
