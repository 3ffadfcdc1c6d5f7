import type { ClientRequest } from './client-request.js';
import type { ProxyRoute } from './proxy-route.js';
import { pumpBody } from './request-body.js';
import { buildHead } from './request-head.js';
import type { ResponseHead, ResponseSink } from './response-parser.js';
import type { LeasePhase, PeerLease, PeerOutcome } from './types.js';
import { invalidHeaderMessage, socketErrorMessage, timeoutMessage } from './upstream-errors.js';
import { type ConnectionOwner, UpstreamConnection } from './upstream-connection.js';
import type { RequestVars } from './variables.js';

/** A transport failure before the response head was passed on (nginx `ft_type`). */
export type TransportFailure = 'error' | 'timeout' | 'invalid_header';

/** What an attempt reports to the request that owns it. */
export interface AttemptOwner {
  /** The response head: `body` streams it, `tunnel` upgrades, `abandon` means the owner retries. */
  attemptHead(head: ResponseHead): 'body' | 'tunnel' | 'abandon';
  /** A body chunk; false pauses the upstream until {@link UpstreamAttempt.resume}. */
  attemptBody(chunk: Buffer): boolean;
  /** The response completed. */
  attemptEnd(): void;
  /** Logs an upstream error, ordered around the peer's release as nginx orders its log lines. */
  logUpstream(message: string, peer: string): void;
  /** Failed before a head was passed on; the peer was already released as failed. */
  attemptFailed(kind: TransportFailure, peer: string, cachedConn: boolean): void;
  /** Failed after the head was passed on (the peer was released as ok): cut the client off. */
  attemptBroken(): void;
  /** A 101 was accepted: the owner takes the connection (and the lease) for a tunnel. */
  attemptTunnel(conn: UpstreamConnection, lease: PeerLease): void;
}

/** The request as an attempt sends it. */
export interface AttemptRequest {
  readonly route: ProxyRoute;
  readonly req: ClientRequest;
  readonly vars: RequestVars;
  readonly method: string;
  readonly uri: string;
  /** A buffered body (replayable), or undefined. */
  readonly body: Buffer | undefined;
  /** The Content-Length of a body streamed from the client, or -1. */
  readonly streamLength: number;
}

type Phase = 'connecting' | 'sending' | 'header' | 'body' | 'tunnel' | 'done';

/**
 * One try against one peer (nginx `ngx_http_upstream_connect` to `finalize`): reuse a cached
 * keep-alive connection for the chosen peer or connect, send the request head and body under
 * `proxy_send_timeout`, parse the response under `proxy_read_timeout`, and hand the connection
 * back to the keep-alive cache only when the exchange ended cleanly.
 */
export class UpstreamAttempt implements ConnectionOwner, ResponseSink {
  readonly #r: AttemptRequest;
  readonly #owner: AttemptOwner;
  #lease: PeerLease | undefined;
  #conn: UpstreamConnection | undefined;
  #phase: Phase = 'connecting';
  #reusable = false;
  #sentAll = false;
  /** Whether any request byte reached the upstream. */
  requestSent = false;
  /** Whether a streamed client body was (partly) consumed: it cannot be sent again. */
  bodyTouched = false;

  constructor(lease: PeerLease, request: AttemptRequest, owner: AttemptOwner) {
    this.#lease = lease;
    this.#r = request;
    this.#owner = owner;
  }

  /** Reuses a cached connection to the peer, or connects. */
  start(): void {
    const lease = this.#lease;
    if (lease === undefined) return;
    const cached = this.#r.route.pool?.take(`${lease.host}:${lease.port}`);
    if (cached !== undefined) {
      this.#conn = cached;
      cached.adopt(this);
      this.onConnect();
      return;
    }
    this.#conn = new UpstreamConnection(
      lease.host,
      lease.port,
      this.#r.route.location.connectTimeoutMs,
      this,
    );
  }

  /** The peer's name while the attempt holds it. */
  get peerName(): string | undefined {
    return this.#lease?.name;
  }

  /** Resumes reading the upstream after the client drained. */
  resume(): void {
    this.#conn?.socket.resume();
  }

  /** Ends the attempt now (client gone, or a retry): closes the connection, frees the peer. */
  abandon(outcome: PeerOutcome): void {
    const phase = this.#phase;
    this.#phase = 'done';
    this.#conn?.destroy();
    this.#conn = undefined;
    // nginx's "upstream server temporarily disabled" names the phase the attempt failed in.
    this.#release(outcome, phase === 'connecting' || phase === 'sending' ? phase : 'reading');
  }

  /** @internal ConnectionOwner: the TCP connection is up; send the request. */
  onConnect(): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    const { route, body, streamLength } = this.#r;
    this.#phase = 'sending';
    conn.requests++;
    conn.timeout(route.location.sendTimeoutMs);
    conn.parser.reset(this, this.#r.method);
    const streaming = streamLength >= 0;
    const framing = body !== undefined ? body.length : streaming ? streamLength : undefined;
    const head = buildHead(route.head, this.#r.vars, this.#r.method, this.#r.uri, framing);
    this.requestSent = true;
    let flushed: boolean;
    if (body !== undefined && body.length > 0) {
      conn.socket.cork();
      conn.socket.write(head, 'latin1');
      flushed = conn.socket.write(body);
      conn.socket.uncork();
    } else flushed = conn.socket.write(head, 'latin1');
    if (!streaming) {
      this.#sentAll = true;
      this.#awaitHeader(conn, flushed);
      return;
    }
    this.bodyTouched = true;
    pumpBody(
      this.#r.req,
      conn.socket,
      () => conn === this.#conn,
      (done) => {
        this.#sentAll = true;
        if (this.#phase === 'sending') this.#awaitHeader(conn, done);
      },
    );
  }

  #awaitHeader(conn: UpstreamConnection, flushed: boolean): void {
    this.#phase = 'header';
    const read = this.#r.route.location.readTimeoutMs;
    if (flushed) conn.timeout(read);
    else conn.socket.once('drain', () => conn.timeout(read));
  }

  /** @internal ConnectionOwner: bytes from the upstream. */
  onData(chunk: Buffer): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    if (this.#phase === 'sending') this.#phase = 'header'; // an early response to a streamed body
    if (!conn.parser.execute(chunk)) {
      const message = invalidHeaderMessage(conn.parser.error ?? 'invalid_header', conn.parser.errorDetail);
      if (this.#phase === 'header') this.#fail('invalid_header', message, false);
      else this.#broken(message);
      return;
    }
    if (this.#phase === 'tunnel') {
      const lease = this.#lease;
      this.#phase = 'done';
      this.#conn = undefined;
      this.#lease = undefined;
      conn.detach();
      if (lease !== undefined) this.#owner.attemptTunnel(conn, lease);
    } else if (this.#phase === 'done' && this.#conn === conn) {
      this.#complete(conn, conn.parser.leftover === undefined);
    }
  }

  /** @internal ResponseSink: the response head arrived. */
  onHead(head: ResponseHead): void {
    if (this.#phase !== 'header') return;
    const next = this.#owner.attemptHead(head);
    if (next === 'abandon') return;
    if (next === 'tunnel') {
      this.#phase = 'tunnel';
      return;
    }
    this.#phase = 'body';
    const r = this.#r.route;
    this.#reusable = head.keepAlive && r.head.mayKeepAlive && r.pool !== undefined;
  }

  /** @internal ResponseSink: a body chunk. */
  onBody(chunk: Buffer): void {
    if (this.#phase === 'body' && !this.#owner.attemptBody(chunk)) this.#conn?.socket.pause();
  }

  /** @internal ResponseSink: the response is complete. */
  onEnd(): void {
    if (this.#phase !== 'body') return;
    this.#phase = 'done';
    this.#owner.attemptEnd();
  }

  /** @internal ConnectionOwner: the upstream closed or failed. */
  onClose(err: NodeJS.ErrnoException | undefined): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    const phase = this.#phase;
    if (phase === 'connecting' || phase === 'sending' || phase === 'header') {
      // A cached connection the peer had closed: nginx gives such a failure one extra try.
      this.#fail('error', socketErrorMessage(err, phase === 'header' ? 'header' : phase), conn.reused);
    } else if (phase === 'body') {
      if (err === undefined && conn.parser.endOfStream()) this.#complete(conn, false);
      else this.#broken(socketErrorMessage(err, 'body'));
    }
  }

  /** @internal ConnectionOwner: connect, send or read timeout. */
  onTimeout(): void {
    const phase = this.#phase;
    if (phase === 'connecting' || phase === 'sending' || phase === 'header') {
      this.#fail('timeout', timeoutMessage(phase), false);
    } else if (phase === 'body') {
      this.#broken(timeoutMessage('body'));
    }
  }

  #complete(conn: UpstreamConnection, clean: boolean): void {
    this.#conn = undefined;
    this.#release('ok');
    const pool = this.#r.route.pool;
    if (clean && this.#sentAll && this.#reusable && pool !== undefined && !conn.closed)
      pool.put(conn, Date.now());
    else conn.destroy();
  }

  #fail(kind: TransportFailure, message: string, cachedConn: boolean): void {
    const peer = this.#lease?.name ?? '';
    // nginx logs a socket error where it happens, before freeing the peer (whose "upstream server
    // temporarily disabled" warning follows), but a timeout after freeing it (reference §2).
    if (kind !== 'timeout') this.#owner.logUpstream(message, peer);
    this.abandon('failed');
    if (kind === 'timeout') this.#owner.logUpstream(message, peer);
    this.#owner.attemptFailed(kind, peer, cachedConn);
  }

  #broken(message: string): void {
    if (this.#lease !== undefined) this.#owner.logUpstream(message, this.#lease.name);
    this.abandon('ok'); // nginx frees the peer as ok for errors in the body phase (reference §2)
    this.#owner.attemptBroken();
  }

  #release(outcome: PeerOutcome, phase?: LeasePhase): void {
    const lease = this.#lease;
    this.#lease = undefined;
    lease?.release(outcome, phase);
  }
}
