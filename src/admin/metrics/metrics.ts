import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsConfig } from '../../config/model/tandem.js';
import { emptyStatusSource, type StatusSource } from '../status-source.js';
import { FrontendMetrics, newStubStatus, type StubStatus } from './frontend-metrics.js';
import { registerKeepalivedCompat } from './keepalived-compat.js';
import { registerNativePush } from './native-push.js';
import { registerNativeState } from './native-state.js';
import { registerNginxCompat } from './nginx-compat.js';
import { PeerMetrics, UpstreamMetrics } from './peer-metrics.js';

/** How a {@link Metrics} facade is built. */
export interface MetricsOptions {
  /** Which sets `/metrics` exposes; all on by default (tandem.conf `metrics { ... }`). */
  readonly config?: MetricsConfig;
  /** prom-client's `process_*` and `nodejs_*` metrics in the native set (default on). */
  readonly processMetrics?: boolean;
  /** The version reported by `tandem_build_info`. */
  readonly version?: string;
  /** Wall clock in ms (tests pass a fixed one). */
  readonly wallNow?: () => number;
}

const ALL_ON: MetricsConfig = { native: true, keepalivedCompat: true, nginxCompat: true };

/**
 * The metrics facade: owns the prom-client registries behind `/metrics` and hands the data paths
 * cached handles with pre-bound children (`upstreamPeer`, `frontend`), so a request costs a few
 * additions and never hashes a label object. VRRP, tracker and server-state metrics are read from
 * the attached {@link StatusSource} at scrape time. The three sets (native `tandem_*`,
 * `keepalived_*`, `nginx_*`) live in separate registries and are switched by {@link configure}.
 */
export class Metrics {
  readonly #native = new Registry();
  readonly #keepalived = new Registry();
  readonly #nginx = new Registry();
  readonly #reloadOk: Gauge;
  readonly #reloadTs: Gauge;
  readonly #stub: StubStatus = newStubStatus();
  readonly #upstreams = new Map<string, UpstreamMetrics>();
  readonly #peers = new Map<string, Map<string, PeerMetrics>>();
  readonly #frontends = new Map<string, FrontendMetrics>();
  readonly #wallNow: () => number;
  #source: StatusSource = emptyStatusSource;
  #config: MetricsConfig;

  constructor(options: MetricsOptions = {}) {
    this.#config = options.config ?? ALL_ON;
    this.#wallNow = options.wallNow ?? Date.now;
    registerNativePush(this.#native, {
      frontends: () => this.#frontends.values(),
      upstreams: () => this.#upstreams.values(),
      peers: () => this.#allPeers(),
    });
    this.#reloadOk = new Gauge({
      name: 'tandem_config_last_reload_successful',
      help: 'Whether the last configuration (re)load succeeded (1) or failed (0)',
      registers: [this.#native],
    });
    this.#reloadTs = new Gauge({
      name: 'tandem_config_last_reload_success_timestamp_seconds',
      help: 'When the configuration was last loaded successfully',
      registers: [this.#native],
    });
    const source = () => this.#source;
    registerNativeState(this.#native, source);
    registerKeepalivedCompat(this.#keepalived, source);
    registerNginxCompat(this.#nginx, () => this.#stub);
    new Gauge<'version' | 'node_version'>({
      name: 'tandem_build_info',
      help: 'Tandem version and the Node.js it runs on (always 1)',
      labelNames: ['version', 'node_version'],
      registers: [this.#native],
    }).set({ version: options.version ?? '0.0.0', node_version: process.version }, 1);
    new Gauge({
      name: 'tandem_start_time_seconds',
      help: 'When this process started, in seconds since the epoch',
      registers: [this.#native],
    }).set(this.#wallNow() / 1000);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.#native });
  }

  /** Switches the exported sets (on start and on reload); counters keep their values. */
  configure(config: MetricsConfig): void {
    this.#config = config;
  }

  /** The sets exported now. */
  get config(): MetricsConfig {
    return this.#config;
  }

  /** Sets where scrape-time metrics (VRRP, trackers, server states) are read from. */
  attach(source: StatusSource): void {
    this.#source = source;
  }

  /** The handle for one `server` of one `upstream`; made on first use, then the same object. */
  upstreamPeer(upstream: string, server: string): PeerMetrics {
    let byServer = this.#peers.get(upstream);
    if (byServer === undefined) {
      byServer = new Map();
      this.#peers.set(upstream, byServer);
    }
    let peer = byServer.get(server);
    if (peer === undefined) {
      let up = this.#upstreams.get(upstream);
      if (up === undefined) {
        up = new UpstreamMetrics(upstream);
        this.#upstreams.set(upstream, up);
      }
      peer = new PeerMetrics(up, server);
      byServer.set(server, peer);
    }
    return peer;
  }

  /** The handle for one listener (`frontend` label); `kind` decides whether nginx stub_status counts it. */
  frontend(name: string, kind: 'http' | 'stream' = 'http'): FrontendMetrics {
    let f = this.#frontends.get(name);
    if (f === undefined) {
      f = new FrontendMetrics(this.#stub, name, kind);
      this.#frontends.set(name, f);
    }
    return f;
  }

  /**
   * Forgets servers and frontends a reload removed, so their series stop being exported; `keep`
   * lists what the new configuration still has.
   */
  retain(keep: {
    upstreams: ReadonlyMap<string, ReadonlySet<string>>;
    frontends: ReadonlySet<string>;
  }): void {
    for (const [upstream, byServer] of this.#peers) {
      const servers = keep.upstreams.get(upstream);
      for (const server of byServer.keys()) if (servers?.has(server) !== true) byServer.delete(server);
      if (servers === undefined) {
        this.#peers.delete(upstream);
        this.#upstreams.delete(upstream);
      }
    }
    for (const name of this.#frontends.keys()) if (!keep.frontends.has(name)) this.#frontends.delete(name);
  }

  *#allPeers(): Iterable<PeerMetrics> {
    for (const byServer of this.#peers.values()) yield* byServer.values();
  }

  /** Records a configuration (re)load: `tandem_config_last_reload_successful` and its timestamp. */
  configReloaded(ok: boolean): void {
    this.#reloadOk.set(ok ? 1 : 0);
    if (ok) this.#reloadTs.set(this.#wallNow() / 1000);
  }

  /** The Prometheus text exposition of the enabled sets (`/metrics`). */
  async text(): Promise<string> {
    const parts: string[] = [];
    if (this.#config.native) parts.push(await this.#native.metrics());
    if (this.#config.keepalivedCompat) parts.push(await this.#keepalived.metrics());
    if (this.#config.nginxCompat) parts.push(await this.#nginx.metrics());
    return parts.filter((p) => p.length > 0).join('\n');
  }

  /** The exposition's content type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.#native.contentType;
  }
}
