import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsConfig } from '../../config/model/tandem.js';
import { emptyStatusSource, type StatusSource } from '../status-source.js';
import { CODE_CLASSES } from './code-class.js';
import { FrontendMetrics, newStubStatus, type StubStatus } from './frontend-metrics.js';
import { registerKeepalivedCompat } from './keepalived-compat.js';
import { createNativeFamilies, type NativeFamilies } from './native-families.js';
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
  readonly #families: NativeFamilies;
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
    this.#families = createNativeFamilies(this.#native);
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
        up = new UpstreamMetrics(this.#families, upstream);
        this.#upstreams.set(upstream, up);
      }
      peer = new PeerMetrics(this.#families, up, upstream, server);
      byServer.set(server, peer);
    }
    return peer;
  }

  /** The handle for one listener (`frontend` label); `kind` decides whether nginx stub_status counts it. */
  frontend(name: string, kind: 'http' | 'stream' = 'http'): FrontendMetrics {
    let f = this.#frontends.get(name);
    if (f === undefined) {
      f = new FrontendMetrics(this.#families, this.#stub, name, kind);
      this.#frontends.set(name, f);
    }
    return f;
  }

  /**
   * Forgets servers and frontends a reload removed, so their series stop being exported; `keep`
   * lists what the new configuration still has.
   */
  retain(keep: { upstreams: ReadonlyMap<string, ReadonlySet<string>>; frontends: ReadonlySet<string> }): void {
    const f = this.#families;
    for (const [upstream, byServer] of this.#peers)
      for (const server of byServer.keys())
        if (keep.upstreams.get(upstream)?.has(server) !== true) {
          byServer.delete(server);
          for (const m of [f.serverRequests, f.serverBytesIn, f.serverBytesOut, f.serverConnectionErrors])
            m.remove(upstream, server);
          f.serverFailures.remove(upstream, server);
          f.serverSelected.remove(upstream, server);
          for (const code of CODE_CLASSES) f.serverResponses.remove(upstream, server, code);
        }
    for (const name of this.#frontends.keys())
      if (!keep.frontends.has(name)) {
        this.#frontends.delete(name);
        for (const m of [f.frontendConnections, f.frontendRequests, f.frontendBytesIn, f.frontendBytesOut])
          m.remove(name);
        f.frontendCurrent.remove(name);
        for (const code of CODE_CLASSES) f.frontendResponses.remove(name, code);
      }
  }

  /** Records a configuration (re)load: `tandem_config_last_reload_successful` and its timestamp. */
  configReloaded(ok: boolean): void {
    this.#families.configReloadSuccessful.set(ok ? 1 : 0);
    if (ok) this.#families.configReloadTimestamp.set(this.#wallNow() / 1000);
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
