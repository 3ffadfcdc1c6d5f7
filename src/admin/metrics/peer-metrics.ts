import type { PeerStatus } from '../status-source.js';
import { codeClassIndex } from './code-class.js';
import { DurationHistogram } from './duration-histogram.js';

/** The per-upstream totals every peer handle of that upstream also adds to. */
export class UpstreamMetrics {
  readonly name: string;
  /** Indexed like CODE_CLASSES: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
  readonly responses: number[] = [0, 0, 0, 0, 0, 0];
  connectionErrors = 0;
  readonly requestDuration = new DurationHistogram();
  readonly connectDuration = new DurationHistogram();
  /** `{upstream}`, made once for the scrape. */
  readonly labels: Readonly<Record<'upstream', string>>;

  constructor(name: string) {
    this.name = name;
    this.labels = { upstream: name };
  }
}

/**
 * The metrics handle of one `server` in one `upstream`, made once and cached by the facade. Every
 * method adds to plain number fields: no label objects, no hashing, no allocation on the data path;
 * `/metrics` reads the fields at scrape time. The wiring can copy the same fields into `PeerStatus`
 * (selections, requests, responses, connectionErrors) so `/status` and `/metrics` agree.
 */
export class PeerMetrics {
  readonly upstream: string;
  readonly server: string;
  selections = 0;
  requests = 0;
  /** Indexed like CODE_CLASSES: 1xx, 2xx, 3xx, 4xx, 5xx, other. */
  readonly responses: number[] = [0, 0, 0, 0, 0, 0];
  connectionErrors = 0;
  failures = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** `{upstream, server}`, made once for the scrape. */
  readonly labels: Readonly<Record<'upstream' | 'server', string>>;
  readonly #up: UpstreamMetrics;

  constructor(up: UpstreamMetrics, server: string) {
    this.upstream = up.name;
    this.server = server;
    this.labels = { upstream: up.name, server };
    this.#up = up;
  }

  /** The counting fields of a `PeerStatus`, from this handle: what the wiring copies into `/status`. */
  statusFields(): Pick<PeerStatus, 'selections' | 'requests' | 'responses' | 'connectionErrors'> {
    const r = this.responses;
    return {
      selections: this.selections,
      requests: this.requests,
      responses: { '1xx': r[0] ?? 0, '2xx': r[1] ?? 0, '3xx': r[2] ?? 0, '4xx': r[3] ?? 0, '5xx': r[4] ?? 0 },
      connectionErrors: this.connectionErrors,
    };
  }

  /** The balancer picked this server (before connecting; a retry picks again). */
  selected(): void {
    this.selections++;
  }

  /** A request (HTTP) or session (stream) was sent to this server. */
  request(): void {
    this.requests++;
  }

  /** The server answered with `status` (HTTP); `seconds` is the request's upstream time, if measured. */
  response(status: number, seconds?: number): void {
    const i = codeClassIndex(status);
    this.responses[i] = (this.responses[i] ?? 0) + 1;
    this.#up.responses[i] = (this.#up.responses[i] ?? 0) + 1;
    if (seconds !== undefined) this.#up.requestDuration.observe(seconds);
  }

  /** The TCP connection to the server was established after `seconds`. */
  connected(seconds: number): void {
    this.#up.connectDuration.observe(seconds);
  }

  /** Connecting to the server failed (refused, timed out, reset before a response). */
  connectionError(): void {
    this.connectionErrors++;
    this.#up.connectionErrors++;
  }

  /** An attempt counted against max_fails (nginx `ngx_http_upstream_free_round_robin_peer`, NGX_PEER_FAILED). */
  failed(): void {
    this.failures++;
  }

  /** Bytes moved: `fromServer` received from it, `toServer` sent to it. */
  bytes(fromServer: number, toServer: number): void {
    this.bytesIn += fromServer;
    this.bytesOut += toServer;
  }
}
