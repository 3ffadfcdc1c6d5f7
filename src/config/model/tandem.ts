/** Where the admin server listens and how it is protected. */
export interface AdminConfig {
  readonly host: string;
  readonly port: number;
  /** Bearer token; required for a non-loopback address. */
  readonly token?: string;
}

import type { Directive } from '../directive.js';
import type { SourceLoc } from '../source-loc.js';

/** `balancer UPSTREAM METHOD;`: a plugin's balancing method for an nginx.conf upstream (nginx.conf unchanged). */
export interface BalancerChoiceConfig {
  readonly upstream: string;
  readonly method: string;
  readonly loc: SourceLoc;
}

/**
 * `track INSTANCE TRACKER [weight N] [reverse];`: a VRRP instance of keepalived.conf follows a tracker
 * a plugin publishes, with `track_script` weight semantics (keepalived.conf unchanged).
 */
export interface TrackChoiceConfig {
  readonly instance: string;
  readonly tracker: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly loc: SourceLoc;
}

/** How the daemon logs. */
export interface LogConfig {
  readonly format: 'text' | 'json';
  readonly level: 'debug' | 'info' | 'warn' | 'error';
}

/** Which metric families the admin server exports (reference/performance.md §3.5). */
export interface MetricsConfig {
  readonly native: boolean;
  readonly keepalivedCompat: boolean;
  readonly nginxCompat: boolean;
}

/** Where keepalived-compatible dumps go (SIGUSR1 data + JSON, SIGUSR2 stats); unset fields keep /tmp/keepalived.*. */
export interface DumpConfig {
  readonly data?: string;
  readonly stats?: string;
  readonly json?: string;
}

/**
 * The proxy's health as a VRRP tracker (`proxy_health { ... }` in tandem.conf): down while a listener
 * that should be serving cannot (docs/vip-listeners.md).
 */
export interface ProxyHealthConfig {
  /** `track on|off`: attach the tracker to every instance whose VIPs the proxy listens on. */
  readonly track: boolean;
  /** keepalived weight semantics: 0 = FAULT while down, -N = priority lowered by N. */
  readonly weight: number;
  /** `nginx_checks replace|run`: a `vrrp_script` that checks nginx's process becomes this tracker. */
  readonly nginxChecks: 'replace' | 'run';
  /** How often listeners are checked and failed binds retried. */
  readonly intervalMs: number;
}

/**
 * Tandem's own settings, from tandem.conf and the command line: what neither keepalived.conf nor
 * nginx.conf can say.
 */
export interface TandemConfig {
  readonly keepalivedFile?: string;
  readonly nginxFile?: string;
  readonly admin?: AdminConfig;
  readonly plugins: readonly string[];
  /** Where tandem.conf named each plugin path (absent for `--plugin`), for located load errors. */
  readonly pluginLocs?: Readonly<Record<string, SourceLoc>>;
  /** Top-level tandem.conf directives Tandem does not own: each must belong to a loaded plugin. */
  readonly extensions?: readonly Directive[];
  /** Plugin balancing methods chosen for nginx.conf upstreams. */
  readonly balancers?: readonly BalancerChoiceConfig[];
  /** Plugin trackers followed by keepalived.conf VRRP instances. */
  readonly tracks?: readonly TrackChoiceConfig[];
  readonly metrics: MetricsConfig;
  readonly log: LogConfig;
  readonly pidFile?: string;
  readonly dumps?: DumpConfig;
  readonly configId?: string;
  /** `-P, --vrrp`: run VRRP and its trackers only, no proxying (keepalived's VRRP-only mode). */
  readonly vrrpOnly?: boolean;
  /** The proxy health tracker; absent means the defaults (`defaultProxyHealth`). */
  readonly proxyHealth?: ProxyHealthConfig;
}
