import type { Counter, Histogram } from 'prom-client';
import { CODE_CLASSES, codeClassIndex } from './code-class.js';
import type { NativeFamilies } from './native-families.js';

/** Plain counts a peer handle keeps; the wiring copies them into `PeerStatus` for `/status`. */
export interface PeerCounts {
  selections: number;
  requests: number;
  /** Indexed like CODE_CLASSES: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
  readonly responses: number[];
  connectionErrors: number;
  failures: number;
  bytesIn: number;
  bytesOut: number;
}

/** The per-upstream children every peer handle of that upstream shares. */
export class UpstreamMetrics {
  readonly responses: readonly Counter.Internal[];
  readonly connectionErrors: Counter.Internal;
  readonly requestDuration: Histogram.Internal<'upstream'>;
  readonly connectDuration: Histogram.Internal<'upstream'>;

  constructor(f: NativeFamilies, upstream: string) {
    this.responses = CODE_CLASSES.map((c) => f.upstreamResponses.labels(upstream, c));
    this.connectionErrors = f.upstreamConnectionErrors.labels(upstream);
    this.requestDuration = f.upstreamRequestDuration.labels(upstream);
    this.connectDuration = f.upstreamConnectDuration.labels(upstream);
  }
}

/**
 * The metrics handle of one `server` in one `upstream`, made once and cached by the facade. Every
 * method is a few additions on pre-bound prom-client children: no label objects, no allocation.
 */
export class PeerMetrics {
  readonly upstream: string;
  readonly server: string;
  readonly counts: PeerCounts = {
    selections: 0,
    requests: 0,
    responses: [0, 0, 0, 0, 0, 0],
    connectionErrors: 0,
    failures: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
  readonly #up: UpstreamMetrics;
  readonly #requests: Counter.Internal;
  readonly #responses: readonly Counter.Internal[];
  readonly #bytesIn: Counter.Internal;
  readonly #bytesOut: Counter.Internal;
  readonly #connErrors: Counter.Internal;
  readonly #failures: Counter.Internal;
  readonly #selected: Counter.Internal;

  constructor(f: NativeFamilies, up: UpstreamMetrics, upstream: string, server: string) {
    this.upstream = upstream;
    this.server = server;
    this.#up = up;
    this.#requests = f.serverRequests.labels(upstream, server);
    this.#responses = CODE_CLASSES.map((c) => f.serverResponses.labels(upstream, server, c));
    this.#bytesIn = f.serverBytesIn.labels(upstream, server);
    this.#bytesOut = f.serverBytesOut.labels(upstream, server);
    this.#connErrors = f.serverConnectionErrors.labels(upstream, server);
    this.#failures = f.serverFailures.labels(upstream, server);
    this.#selected = f.serverSelected.labels(upstream, server);
  }

  /** The balancer picked this server (before connecting; a retry picks again). */
  selected(): void {
    this.counts.selections++;
    this.#selected.inc();
  }

  /** A request (HTTP) or session (stream) was sent to this server. */
  request(): void {
    this.counts.requests++;
    this.#requests.inc();
  }

  /** The server answered with `status` (HTTP only); `seconds` is the request's upstream time, if measured. */
  response(status: number, seconds?: number): void {
    const i = codeClassIndex(status);
    this.counts.responses[i] = (this.counts.responses[i] ?? 0) + 1;
    this.#responses[i]?.inc();
    this.#up.responses[i]?.inc();
    if (seconds !== undefined) this.#up.requestDuration.observe(seconds);
  }

  /** The TCP connection to the server was established after `seconds`. */
  connected(seconds: number): void {
    this.#up.connectDuration.observe(seconds);
  }

  /** Connecting to the server failed (refused, timed out, reset before a response). */
  connectionError(): void {
    this.counts.connectionErrors++;
    this.#connErrors.inc();
    this.#up.connectionErrors.inc();
  }

  /** An attempt counted against max_fails (nginx `ngx_http_upstream_free_round_robin_peer` with NGX_PEER_FAILED). */
  failed(): void {
    this.counts.failures++;
    this.#failures.inc();
  }

  /** Bytes moved: `fromServer` received from it, `toServer` sent to it. */
  bytes(fromServer: number, toServer: number): void {
    this.counts.bytesIn += fromServer;
    this.counts.bytesOut += toServer;
    if (fromServer > 0) this.#bytesIn.inc(fromServer);
    if (toServer > 0) this.#bytesOut.inc(toServer);
  }
}
