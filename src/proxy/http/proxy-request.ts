import type { IncomingMessage, ServerResponse } from 'node:http';
import { planBody, pumpBody, readWholeBody } from './request-body.js';
import { clientHeaders, statusFailures } from './response-headers.js';
import type { Logger } from '../../core/logger.js';
import { sendPage } from './error-pages.js';
import type { KeepalivePool } from './keepalive-pool.js';
import { buildHead, type HeadTemplate } from './request-head.js';
import type { ResponseHead, ResponseSink } from './response-parser.js';
import {
  invalidHeaderMessage,
  logUpstreamError,
  noLiveUpstreams,
  socketErrorMessage,
  timeoutMessage,
} from './upstream-errors.js';
import { type ConnectionOwner, UpstreamConnection } from './upstream-connection.js';
import { startTunnel } from './tunnel.js';
import type {
  DecideNext,
  FailureKind,
  LocationParams,
  NextUpstreamDecision,
  PeerLease,
  PickSession,
  UpstreamPicker,
} from './types.js';
import { evaluateKey, type RequestVars } from './variables.js';

/** Everything a proxying location needs at request time, compiled once per config. */
export interface ProxyRoute {
  readonly location: LocationParams;
  readonly picker: UpstreamPicker;
  readonly pool: KeepalivePool | undefined;
  readonly head: HeadTemplate;
  readonly decideNext: DecideNext;
  readonly logger: Logger;
  readonly signature: string;
  /** Request bodies up to this size are buffered so a failed attempt can be retried (nginx client_body_buffer_size). */
  readonly bodyBufferBytes: number;
  /** nginx `client_max_body_size` (0 = unlimited): larger bodies get 413. */
  readonly maxBodyBytes: number;
}

type Phase = 'body-in' | 'connecting' | 'sending' | 'header' | 'body' | 'tunnel' | 'done';

/**
 * One client request proxied upstream, through every attempt (ngx_http_upstream's request
 * lifecycle). Response bytes stream to the client as they arrive, with backpressure both ways.
 * Retries happen only before any response byte reached the client and only when the request
 * body can be sent again: bodies up to `bodyBufferBytes` are read whole first (as nginx buffers
 * them); larger ones stream and are then replayable only while none of it was consumed.
 */
export class ProxyRequest implements ConnectionOwner, ResponseSink {
  readonly #route: ProxyRoute;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #vars: RequestVars;
  readonly #uri: string;
  readonly #method: string;
  readonly #session: PickSession;
  readonly #upgradeHead: Buffer | undefined;
  #phase: Phase = 'connecting';
  #lease: PeerLease | undefined;
  #conn: UpstreamConnection | undefined;
  #attempt = 0;
  #startedAt = 0;
  #body: Buffer | undefined;
  /** The Content-Length of a streamed body, or -1 when the body is buffered or absent. */
  #streamLength = -1;
  /** True once the whole request, body included, was handed to the socket (reuse needs it). */
  #sentAll = false;
  #bodyTouched = false;
  #requestSent = false;
  #reusable = false;
  readonly #resume = (): void => {
    this.#conn?.socket.resume();
  };

  constructor(
    route: ProxyRoute,
    req: IncomingMessage,
    res: ServerResponse,
    vars: RequestVars,
    uri: string,
    upgradeHead?: Buffer,
  ) {
    this.#route = route;
    this.#req = req;
    this.#res = res;
    this.#vars = vars;
    this.#uri = uri;
    this.#method = req.method ?? 'GET';
    this.#upgradeHead = upgradeHead;
    this.#session = route.picker.begin({
      clientIp: req.socket.remoteAddress ?? '',
      hashKey: (template) => evaluateKey(template, vars),
      triesLimit: route.location.nextUpstream.tries,
    });
  }

  /** Starts proxying: reads a small body first if there is one, then connects. */
  start(): void {
    this.#res.on('close', () => {
      if (this.#phase !== 'done' && this.#phase !== 'tunnel') this.#abort();
    });
    this.#req.on('error', () => undefined); // the client going away is handled through res 'close'
    this.#startedAt = Date.now();
    const plan = planBody(this.#req, this.#route.bodyBufferBytes, this.#route.maxBodyBytes);
    switch (plan.kind) {
      case 'none':
        if (plan.emptyLength) this.#body = Buffer.alloc(0);
        this.#next();
        return;
      case 'too-large':
        this.#finishWithPage(413);
        return;
      case 'buffer':
        this.#readBody(plan.limit);
        return;
      case 'stream':
        this.#streamLength = plan.length;
        this.#next();
        return;
    }
  }

  #readBody(limit: number): void {
    this.#phase = 'body-in';
    readWholeBody(
      this.#req,
      limit,
      (body) => {
        if (this.#phase !== 'body-in') return;
        this.#body = body;
        this.#next();
      },
      () => {
        this.#finishWithPage(413);
      },
    );
  }

  /** nginx `ngx_http_upstream_connect`: asks the balancer for a peer and connects or reuses. */
  #next(): void {
    this.#attempt++;
    this.#requestSent = false;
    this.#sentAll = false;
    const lease = this.#session.next();
    if (lease === undefined) {
      this.#log(noLiveUpstreams, this.#route.picker.name);
      this.#finishWithPage(502);
      return;
    }
    this.#lease = lease;
    this.#phase = 'connecting';
    const cached = this.#route.pool?.take(`${lease.host}:${lease.port}`);
    if (cached !== undefined) {
      this.#conn = cached;
      cached.adopt(this);
      this.onConnect();
      return;
    }
    this.#conn = new UpstreamConnection(lease.host, lease.port, this.#route.location.connectTimeoutMs, this);
  }

  /** @internal ConnectionOwner: the TCP connection is up; send the request. */
  onConnect(): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    this.#phase = 'sending';
    conn.requests++;
    const loc = this.#route.location;
    conn.socket.setTimeout(loc.sendTimeoutMs);
    conn.parser.reset(this, this.#method);
    const streaming = this.#streamLength >= 0;
    const framing = this.#body !== undefined ? this.#body.length : streaming ? this.#streamLength : undefined;
    const head = buildHead(this.#route.head, this.#vars, this.#method, this.#uri, framing);
    this.#requestSent = true;
    let flushed: boolean;
    if (this.#body !== undefined && this.#body.length > 0) {
      conn.socket.cork();
      conn.socket.write(head, 'latin1');
      flushed = conn.socket.write(this.#body);
      conn.socket.uncork();
    } else flushed = conn.socket.write(head, 'latin1');
    if (streaming) {
      this.#bodyTouched = true;
      pumpBody(
        this.#req,
        conn.socket,
        () => conn === this.#conn,
        (done) => {
          this.#sentAll = true;
          if (this.#phase === 'sending') this.#awaitHeader(conn, done);
        },
      );
      return;
    }
    this.#sentAll = true;
    this.#awaitHeader(conn, flushed);
  }

  #awaitHeader(conn: UpstreamConnection, flushed: boolean): void {
    this.#phase = 'header';
    if (flushed) conn.socket.setTimeout(this.#route.location.readTimeoutMs);
    else conn.socket.once('drain', () => conn.socket.setTimeout(this.#route.location.readTimeoutMs));
  }

  /** @internal ConnectionOwner: bytes from the upstream. */
  onData(chunk: Buffer): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    if (this.#phase === 'sending') this.#phase = 'header'; // an early response to a streamed body
    if (!conn.parser.execute(chunk)) {
      const kind = conn.parser.error ?? 'invalid_header';
      if (this.#phase === 'header') this.#fail('invalid_header', invalidHeaderMessage(kind), false);
      else this.#breakBody(invalidHeaderMessage(kind));
      return;
    }
    if (this.#phase === 'tunnel') this.#tunnel(conn);
    else if (this.#phase === 'done' && this.#conn === conn)
      this.#complete(conn, conn.parser.leftover === undefined);
  }

  /** @internal ResponseSink: the response head arrived. */
  onHead(head: ResponseHead): void {
    const failure = statusFailures[head.status];
    if (failure !== undefined && this.#phase === 'header') {
      if (this.#decide(failure, head.status) === 'retry') {
        this.#retryAfter(failure === 'http_403' || failure === 'http_404' ? 'next' : 'failed');
        return;
      }
    }
    if (head.status === 101 && this.#upgradeHead !== undefined && this.#route.head.forwardsUpgrade) {
      this.#phase = 'tunnel';
      this.#tunnelHead = head;
      return;
    }
    this.#phase = 'body';
    this.#reusable = head.keepAlive && this.#route.head.mayKeepAlive && this.#route.pool !== undefined;
    const out = clientHeaders(head.headers, this.#route.signature);
    try {
      // nginx relays the upstream status line verbatim, an empty reason included.
      this.#res.writeHead(head.status, head.reason, out);
    } catch {
      this.#fail('invalid_header', invalidHeaderMessage('invalid_header'), false);
    }
  }

  #tunnelHead: ResponseHead | undefined;

  #tunnel(conn: UpstreamConnection): void {
    const head = this.#tunnelHead;
    const lease = this.#lease;
    if (head === undefined || lease === undefined) return;
    this.#conn = undefined;
    this.#lease = undefined;
    conn.detach();
    startTunnel({
      client: this.#req.socket,
      res: this.#res,
      upstream: conn.socket,
      head,
      upstreamLeftover: conn.parser.leftover,
      clientHead: this.#upgradeHead,
      idleTimeoutMs: this.#route.location.readTimeoutMs,
      signature: this.#route.signature,
      onEnd: () => {
        lease.release('ok');
      },
    });
  }

  /** @internal ResponseSink: a body chunk; pauses the upstream while the client is slow. */
  onBody(chunk: Buffer): void {
    if (this.#phase !== 'body') return;
    if (!this.#res.write(chunk)) {
      this.#conn?.socket.pause();
      this.#res.once('drain', this.#resume);
    }
  }

  /** @internal ResponseSink: the response is complete. */
  onEnd(): void {
    if (this.#phase !== 'body') return;
    this.#phase = 'done';
    this.#res.end();
  }

  #complete(conn: UpstreamConnection, clean: boolean): void {
    this.#conn = undefined;
    this.#lease?.release('ok');
    this.#lease = undefined;
    const pool = this.#route.pool;
    if (clean && this.#sentAll && this.#reusable && pool !== undefined && !conn.closed)
      pool.put(conn, Date.now());
    else conn.destroy();
  }

  /** @internal ConnectionOwner: the upstream closed or failed. */
  onClose(err: NodeJS.ErrnoException | undefined): void {
    const conn = this.#conn;
    if (conn === undefined) return;
    switch (this.#phase) {
      case 'connecting':
        this.#fail('error', socketErrorMessage(err, 'connecting'), false);
        return;
      case 'sending':
      case 'header':
        this.#fail(
          'error',
          socketErrorMessage(err, this.#phase === 'sending' ? 'sending' : 'header'),
          conn.reused,
        );
        return;
      case 'body':
        if (err === undefined && conn.parser.endOfStream()) {
          this.#complete(conn, false);
          return;
        }
        this.#breakBody(socketErrorMessage(err, 'body'));
        return;
      case 'body-in':
      case 'tunnel':
      case 'done':
        return;
    }
  }

  /** @internal ConnectionOwner: connect, send or read timeout. */
  onTimeout(): void {
    switch (this.#phase) {
      case 'connecting':
      case 'sending':
      case 'header':
        this.#fail('timeout', timeoutMessage(this.#phase === 'header' ? 'header' : this.#phase), false);
        return;
      case 'body':
        this.#breakBody(timeoutMessage('body'));
        return;
      case 'body-in':
      case 'tunnel':
      case 'done':
        return;
    }
  }

  /** A transport failure before the response head: log, free the peer as failed, retry or answer. */
  #fail(kind: 'error' | 'timeout' | 'invalid_header', message: string, cachedConn: boolean): void {
    const lease = this.#lease;
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#log(message, lease?.name);
    this.#lease = undefined;
    lease?.release('failed');
    if (cachedConn && kind === 'error') this.#session.grantExtraTry();
    if (this.#decide(kind, undefined) === 'retry' && !this.#res.headersSent) this.#next();
    else this.#finishWithPage(kind === 'timeout' ? 504 : 502);
  }

  #decide(failure: FailureKind, status: number | undefined): NextUpstreamDecision {
    return this.#route.decideNext({
      failure,
      status,
      method: this.#method,
      attempt: this.#attempt,
      elapsedMs: Date.now() - this.#startedAt,
      triesLeft: this.#session.triesLeft,
      requestSent: this.#requestSent,
      replayable: !this.#bodyTouched,
    });
  }

  #retryAfter(outcome: 'failed' | 'next'): void {
    const lease = this.#lease;
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#lease = undefined;
    lease?.release(outcome);
    this.#phase = 'connecting';
    queueMicrotask(() => {
      this.#next();
    });
  }

  /** The upstream failed after the head was sent: nginx can only cut the client connection. */
  #breakBody(message: string): void {
    this.#log(message, this.#lease?.name);
    this.#phase = 'done';
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#lease?.release('ok');
    this.#lease = undefined;
    this.#res.destroy();
  }

  /** The client went away: drop the upstream side, free the peer as nginx does on 499. */
  #abort(): void {
    this.#phase = 'done';
    this.#conn?.destroy();
    this.#conn = undefined;
    this.#lease?.release('ok');
    this.#lease = undefined;
  }

  #finishWithPage(status: number): void {
    this.#phase = 'done';
    sendPage(this.#res, status, this.#route.signature);
    if (this.#req.readable && !this.#req.readableEnded) this.#req.resume();
  }

  #log(message: string, peer: string | undefined): void {
    const r = this.#route;
    logUpstreamError(r.logger, this.#req, this.#vars.serverName, peer ?? r.picker.name, this.#uri, message);
  }
}
