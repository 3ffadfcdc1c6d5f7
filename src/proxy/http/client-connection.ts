import type { Socket } from 'node:net';
import { BodyDecoder } from './body-decoder.js';
import { ClientRequest, type RequestConnection } from './client-request.js';
import { ClientResponse, type ResponseConnection } from './client-response.js';
import { refusalResponse } from './error-pages.js';
import { RequestParser } from './request-parser.js';

/** What a connection needs from the listener that accepted it. */
export interface ConnectionHost {
  /** Answers one request (HttpProxy's routing). */
  handle(req: ClientRequest, res: ClientResponse): void;
  /** True while a graceful stop turns keep-alive off. */
  readonly draining: boolean;
  readonly signature: string;
  /** nginx `keepalive_timeout` (75 s). */
  readonly keepaliveMs: number;
  /** nginx `client_header_timeout` (60 s). */
  readonly headerMs: number;
  /** nginx `lingering_timeout` (5 s): a discarded body or a closing connection may idle this long. */
  readonly lingerMs: number;
  /** The connection closed or was handed to a tunnel. */
  forget(conn: ClientConnection): void;
}

type State = 'head' | 'active' | 'closing' | 'closed' | 'detached';

/** Pipelined bytes held while a request is answered; past this the socket stops being read. */
const stashLimit = 64 * 1024;
const continueLine = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * One client connection of Tandem's HTTP/1.1 server (nginx `ngx_http_request.c`'s cycle): parse
 * a head, answer it, decode its body while the answer runs, then serve the next request (pipelined
 * bytes are held meanwhile, so responses go out in order), until keep-alive ends. Timeouts are
 * deadlines the listener's sweep checks, so nothing is re-armed per request.
 */
export class ClientConnection implements RequestConnection, ResponseConnection {
  readonly socket: Socket;
  /** When the current wait (header or keep-alive) ends, in Date.now() ms; 0 for none. */
  deadline: number;
  readonly #host: ConnectionHost;
  readonly #parser = new RequestParser();
  readonly #decoder = new BodyDecoder();
  #state: State = 'head';
  #req: ClientRequest | undefined;
  #res: ClientResponse | undefined;
  #bodyOpen = false;
  #stash: Buffer | undefined;
  #bodyPaused = false;
  #stashPaused = false;
  /** Set once a request was answered and the connection kept for another. */
  #kept = false;
  /** Dropping the rest of a body whose request was answered (nginx's discarded body). */
  #discarding = false;

  constructor(socket: Socket, host: ConnectionHost) {
    this.socket = socket;
    this.#host = host;
    this.deadline = Date.now() + host.headerMs;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('drain', this.#onDrain);
    socket.on('close', this.#onClose);
    socket.on('error', ignore);
  }

  /**
   * True while a kept-alive connection waits for its next request, none having started arriving.
   * A fresh connection is not idle: its first request is on its way (Node's server and nginx's
   * idle-connection close treat it the same), so a drain does not reset it.
   */
  get idle(): boolean {
    return this.#kept && this.#state === 'head' && !this.#parser.started && this.#stash === undefined;
  }

  /** The response in progress, if any. */
  get response(): ClientResponse | undefined {
    return this.#res;
  }

  /**
   * The deadline passed: an idle connection, an incomplete head, a body being discarded or a
   * lingering close. All are closed without an answer, as nginx does.
   */
  expire(): void {
    this.socket.destroy();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#feed(chunk, 0);
  };

  readonly #onDrain = (): void => {
    this.#res?.drained();
  };

  readonly #onEnd = (): void => {
    // The client closed its side. Between requests that ends the connection; during one it is an
    // abort, as nginx sees it ("client prematurely closed connection", 499) and Node's server did.
    if (this.#state === 'head' && !this.#parser.started) this.socket.end();
    else this.socket.destroy();
  };

  readonly #onClose = (): void => {
    const res = this.#res;
    this.#state = 'closed';
    this.#res = undefined;
    this.#req = undefined;
    this.#host.forget(this);
    res?.closed(!res.finished);
  };

  #feed(buf: Buffer, off: number): void {
    const len = buf.length;
    while (off < len) {
      if (this.#state === 'head') {
        if (!this.#parser.started) this.deadline = Date.now() + this.#host.headerMs;
        const r = this.#parser.execute(buf, off, len);
        if (r === -1) return;
        if (r === -2) {
          this.#refuse(this.#parser.error ?? 400);
          return;
        }
        off = r;
        this.#begin();
      } else if (this.#state === 'active') {
        const req = this.#req;
        if (!this.#bodyOpen || req === undefined) {
          this.#hold(off === 0 ? buf : buf.subarray(off));
          return;
        }
        // nginx gives a discarded body lingering_timeout between reads.
        if (this.#discarding) this.deadline = Date.now() + this.#host.lingerMs;
        const r = this.#decoder.execute(buf, off, len, req);
        if (r < 0) {
          this.#badBody();
          return;
        }
        off = r;
        if (this.#decoder.done) this.#bodyDone(req);
      } else return; // closing: nginx's lingering close reads and drops
    }
  }

  /** A head is complete: build the exchange and hand it to the listener's handler. */
  #begin(): void {
    const head = this.#parser.head;
    if (head === undefined) return;
    this.deadline = 0;
    this.#state = 'active';
    const req = new ClientRequest(head, this);
    const res = new ClientResponse(req, this, head.keepAlive && !this.#host.draining);
    this.#req = req;
    this.#res = res;
    this.#bodyOpen = !req.bodyEnded;
    if (this.#bodyOpen) this.#decoder.reset(head.contentLength, head.chunked);
    this.#host.handle(req, res);
  }

  #bodyDone(req: ClientRequest): void {
    this.#bodyOpen = false;
    req.bodyEnd();
    if (this.#res?.finished === true && this.#state === 'active') this.#next();
  }

  /** Keeps bytes of a later request (or a tunnel's first bytes) until the current one is answered. */
  #hold(bytes: Buffer): void {
    this.#stash = this.#stash === undefined ? bytes : Buffer.concat([this.#stash, bytes]);
    if (this.#stash.length > stashLimit && !this.#stashPaused) {
      this.#stashPaused = true;
      this.socket.pause();
    }
  }

  /** @internal ResponseConnection. */
  responseFinished(res: ClientResponse): void {
    if (res !== this.#res || this.#state !== 'active') return;
    res.closed(false);
    if (!res.shouldKeepAlive) {
      this.#close(this.#bodyOpen || this.#stash !== undefined);
      return;
    }
    if (this.#bodyOpen) {
      // Answered before the body was read (a `return`, an error page): drop the rest, then go on.
      this.#req?.discardBody();
      this.#discarding = true;
      this.deadline = Date.now() + this.#host.lingerMs;
      this.#resume();
      return;
    }
    this.#next();
  }

  /** Ready for the next request: parse what is held, else wait up to keepalive_timeout. */
  #next(): void {
    this.#state = 'head';
    this.#kept = true;
    this.#discarding = false;
    this.#req = undefined;
    this.#res = undefined;
    this.#parser.reset();
    this.#resume();
    const stash = this.#stash;
    if (stash !== undefined) {
      this.#stash = undefined;
      this.#feed(stash, 0);
    }
    // #feed may have moved on to another request or closed.
    if ((this.#state as State) === 'head' && !this.#parser.started)
      this.deadline = Date.now() + this.#host.keepaliveMs;
  }

  #resume(): void {
    if (this.#stashPaused || this.#bodyPaused) {
      this.#stashPaused = false;
      this.#bodyPaused = false;
      this.socket.resume();
    }
  }

  /** Ends the connection after the last response; unread input is drained for a while first. */
  #close(linger: boolean): void {
    // nginx `lingering_close on`: only when the client may still be sending (an unread body, bytes
    // of a later request) is its input read and dropped for a while, so that closing with unread
    // data does not reset the connection before the response reached the client. Otherwise the
    // connection closes as soon as the response is written (Node's server did the same).
    this.#state = 'closing';
    this.#stash = undefined;
    this.#resume();
    if (linger) {
      this.deadline = Date.now() + this.#host.lingerMs;
      this.socket.end();
    } else {
      this.deadline = 0;
      this.socket.destroySoon();
    }
  }

  /** A head nginx refuses: its error page, then close. */
  #refuse(status: 400 | 414 | 501 | 505 | 'too-large'): void {
    if (this.socket.writable) this.socket.write(refusalResponse(status, this.#host.signature));
    this.#close(true);
  }

  /** Invalid chunked framing: nginx answers 400 if it can and closes. */
  #badBody(): void {
    const res = this.#res;
    if (res !== undefined && !res.headersSent && this.socket.writable) {
      this.socket.write(refusalResponse(400, this.#host.signature));
    }
    res?.closed(true);
    this.#close(true);
  }

  /** @internal RequestConnection. */
  pauseBody(): void {
    if (this.#bodyPaused || this.#state !== 'active') return;
    this.#bodyPaused = true;
    this.socket.pause();
  }

  /** @internal RequestConnection. */
  resumeBody(): void {
    if (!this.#bodyPaused) return;
    this.#bodyPaused = false;
    if (!this.#stashPaused) this.socket.resume();
  }

  /** @internal RequestConnection. */
  sendContinue(): void {
    if (this.socket.writable) this.socket.write(continueLine, 'latin1');
  }

  /** @internal ResponseConnection: the socket leaves this server (a tunnel now owns it). */
  detach(): Buffer | undefined {
    const s = this.socket;
    this.#state = 'detached';
    this.deadline = 0;
    s.removeListener('data', this.#onData);
    s.removeListener('end', this.#onEnd);
    s.removeListener('drain', this.#onDrain);
    s.removeListener('close', this.#onClose);
    this.#host.forget(this);
    this.#res = undefined;
    this.#req = undefined;
    const stash = this.#stash;
    this.#stash = undefined;
    if (this.#stashPaused || this.#bodyPaused) s.resume();
    return stash;
  }
}

function ignore(): void {
  // Socket errors end in 'close', which is where the connection is cleaned up.
}
