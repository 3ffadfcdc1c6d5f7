import type { UpstreamTrail } from './access-log.js';
import type { ClientRequest } from './client-request.js';
import type { ClientResponse, ResponseHandler } from './client-response.js';
import { sendPage } from './error-pages.js';
import { rewriteLocation } from './proxy-redirect.js';
import type { ProxyRoute } from './proxy-route.js';
import { planBody, readWholeBody } from './request-body.js';
import { failureKindOfStatus, retryOutcome } from '../next-upstream.js';
import { clientHeaders, validHeaderValues } from './response-headers.js';
import type { ResponseHead } from './response-parser.js';
import { startTunnel } from './tunnel.js';
import type { FailureKind, NextUpstreamDecision, PeerLease, PickSession } from './types.js';
import { type AttemptOwner, type TransportFailure, UpstreamAttempt } from './upstream-attempt.js';
import type { UpstreamConnection } from './upstream-connection.js';
import { invalidHeaderMessage, logUpstreamError, noLiveUpstreams } from './upstream-errors.js';
import { evaluateKey, type RequestVars } from './variables.js';

type Phase = 'body-in' | 'upstream' | 'tunnel' | 'done';

/**
 * One client request proxied upstream, through every attempt (ngx_http_upstream's request
 * lifecycle): it reads a small body first, asks the balancer for a peer per attempt, applies the
 * next-upstream rule to each failure, and streams the chosen response to the client with
 * backpressure. Retries happen only before any response byte reached the client and only while
 * the request body can be sent again (see `planBody`).
 */
export class ProxyRequest implements AttemptOwner, ResponseHandler {
  readonly #route: ProxyRoute;
  readonly #req: ClientRequest;
  readonly #res: ClientResponse;
  readonly #vars: RequestVars;
  readonly #uri: string;
  readonly #method: string;
  readonly #session: PickSession;
  readonly #trail: UpstreamTrail;
  #phase: Phase = 'upstream';
  #attempt: UpstreamAttempt | undefined;
  #attempts = 0;
  #startedAt = 0;
  #body: Buffer | undefined;
  #streamLength = -1;
  #bodyTouched = false;
  /** Whether the current attempt's response head was recorded in the trail. */
  #headSeen = false;

  constructor(
    route: ProxyRoute,
    req: ClientRequest,
    res: ClientResponse,
    vars: RequestVars,
    uri: string,
    trail: UpstreamTrail,
  ) {
    this.#trail = trail;
    this.#route = route;
    this.#req = req;
    this.#res = res;
    this.#vars = vars;
    this.#uri = uri;
    this.#method = req.method;
    this.#session = route.picker.begin({
      clientIp: req.socket.remoteAddress ?? '',
      hashKey: (template) => evaluateKey(template, vars),
      triesLimit: route.location.nextUpstream.tries,
    });
  }

  /** Starts proxying: reads a small body first if there is one, then tries the first peer. */
  start(): void {
    this.#res.handler = this;
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
      case 'stream':
        this.#streamLength = plan.length;
        this.#next();
        return;
      case 'buffer':
        this.#phase = 'body-in';
        readWholeBody(
          this.#req,
          plan.limit,
          (body) => {
            if (this.#phase !== 'body-in') return;
            this.#body = body;
            this.#phase = 'upstream';
            this.#next();
          },
          () => {
            this.#finishWithPage(413);
          },
        );
        return;
    }
  }

  /** nginx `ngx_http_upstream_connect`: asks the balancer for a peer and starts an attempt. */
  #next(): void {
    this.#attempts++;
    this.#headSeen = false;
    const lease = this.#session.next();
    if (lease === undefined) {
      this.#attempt = undefined;
      this.logUpstream(noLiveUpstreams, this.#route.picker.name);
      this.#trail.add(this.#route.picker.name, 502);
      this.#finishWithPage(502);
      return;
    }
    const attempt = new UpstreamAttempt(
      lease,
      {
        route: this.#route,
        req: this.#req,
        vars: this.#vars,
        method: this.#method,
        uri: this.#uri,
        body: this.#body,
        streamLength: this.#streamLength,
      },
      this,
    );
    this.#attempt = attempt;
    attempt.start();
  }

  /** @internal AttemptOwner: retry on a listed status, tunnel a 101, or pass the response on. */
  attemptHead(head: ResponseHead): 'body' | 'tunnel' | 'abandon' {
    this.#trail.add(this.#attempt?.peerName ?? '', head.status);
    this.#headSeen = true;
    const failure = failureKindOfStatus(head.status);
    if (failure !== undefined && this.#decide(failure, head.status) === 'retry') {
      // 403/404 are freed as NEXT (never counted), 5xx and 429 as FAILED (reference §2).
      this.#attempt?.abandon(retryOutcome(failure));
      queueMicrotask(() => {
        if (this.#phase === 'upstream') this.#next();
      });
      return 'abandon';
    }
    if (head.status === 101 && this.#req.upgrade && this.#route.head.forwardsUpgrade) {
      this.#tunnelHead = head;
      return 'tunnel';
    }
    // nginx relays the upstream status line verbatim, an empty reason included.
    const rule = this.#route.redirect;
    const map = rule === undefined ? undefined : (v: string): string => rewriteLocation(v, rule, this.#vars);
    const headers: string[] = [];
    const fixed = clientHeaders(headers, head.headers, this.#route.signature, map);
    if (!validHeaderValues(headers)) {
      // A bare CR or LF in a value would split the line for the client: nginx's invalid_header.
      const peer = this.#attempt?.peerName;
      if (peer !== undefined) this.logUpstream(invalidHeaderMessage('invalid_header'), peer);
      this.#attempt?.abandon('failed');
      this.attemptFailed('invalid_header', peer ?? '', false);
      return 'abandon';
    }
    const length = head.framing === 'length' ? head.contentLength : head.framing === 'none' ? 0 : -1;
    this.#res.writeHead(head.status, head.reason, headers, length, fixed);
    return 'body';
  }

  #tunnelHead: ResponseHead | undefined;

  /** @internal AttemptOwner: a body chunk; false pauses the upstream while the client is slow. */
  attemptBody(chunk: Buffer): boolean {
    return this.#res.write(chunk);
  }

  /** @internal ResponseHandler: the client drained; read the upstream again. */
  clientDrain(): void {
    this.#attempt?.resume();
  }

  /** @internal ResponseHandler: the client went away (nginx 499): drop the upstream, free the peer as ok. */
  clientGone(): void {
    if (this.#phase === 'done' || this.#phase === 'tunnel') return;
    this.#phase = 'done';
    this.#attempt?.abandon('ok');
  }

  /** @internal AttemptOwner: the response is complete. */
  attemptEnd(): void {
    this.#phase = 'done';
    this.#res.end();
  }

  /** @internal AttemptOwner: nginx `ngx_http_upstream_next` for error/timeout/invalid_header. */
  attemptFailed(kind: TransportFailure, peer: string, cachedConn: boolean): void {
    if (this.#phase !== 'upstream') return;
    // $upstream_status: 504 for a timeout, 502 otherwise (also replacing a head Node refused).
    if (this.#headSeen) this.#trail.statuses[this.#trail.statuses.length - 1] = 502;
    else this.#trail.add(peer, kind === 'timeout' ? 504 : 502);
    if (cachedConn && kind === 'error') this.#session.grantExtraTry();
    if (this.#decide(kind, undefined) === 'retry' && !this.#res.headersSent) this.#next();
    else this.#finishWithPage(kind === 'timeout' ? 504 : 502);
  }

  /** @internal AttemptOwner: the upstream failed mid-body; nginx can only cut the client off. */
  attemptBroken(): void {
    this.#phase = 'done';
    this.#res.destroy();
  }

  /** @internal AttemptOwner: the upstream accepted the upgrade; pipe both connections. */
  attemptTunnel(conn: UpstreamConnection, lease: PeerLease): void {
    const head = this.#tunnelHead;
    if (head === undefined) return;
    this.#phase = 'tunnel';
    startTunnel({
      client: this.#req.socket,
      upstream: conn.socket,
      head,
      upstreamLeftover: conn.parser.leftover,
      clientHead: this.#res.detachSocket(),
      idleTimeoutMs: this.#route.location.readTimeoutMs,
      signature: this.#route.signature,
      onEnd: () => {
        lease.release('ok');
      },
    });
  }

  /** @internal AttemptOwner: an upstream error line with nginx's context fields. */
  logUpstream(message: string, peer: string): void {
    const r = this.#route;
    logUpstreamError(r.logger, this.#req, this.#vars.serverName, peer, this.#uri, message);
  }

  #decide(failure: FailureKind, status: number | undefined): NextUpstreamDecision {
    const attempt = this.#attempt;
    this.#bodyTouched ||= attempt?.bodyTouched ?? false;
    return this.#route.decideNext({
      failure,
      status,
      method: this.#method,
      attempt: this.#attempts,
      elapsedMs: Date.now() - this.#startedAt,
      triesLeft: this.#session.triesLeft,
      requestSent: attempt?.requestSent ?? false,
      replayable: !this.#bodyTouched,
    });
  }

  #finishWithPage(status: number): void {
    this.#phase = 'done';
    sendPage(this.#res, status, this.#route.signature);
  }
}
