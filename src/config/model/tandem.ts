/** Where the admin server listens and how it is protected. */
export interface AdminConfig {
  readonly host: string;
  readonly port: number;
  /** Bearer token; required for a non-loopback address. */
  readonly token?: string;
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
 * Tandem's own settings, from tandem.conf and the command line: what neither keepalived.conf nor
 * nginx.conf can say.
 */
export interface TandemConfig {
  readonly keepalivedFile?: string;
  readonly nginxFile?: string;
  readonly admin?: AdminConfig;
  readonly plugins: readonly string[];
  readonly metrics: MetricsConfig;
  readonly log: LogConfig;
  readonly pidFile?: string;
  readonly dumps?: DumpConfig;
  readonly configId?: string;
  /** `-P, --vrrp`: run VRRP and its trackers only, no proxying (keepalived's VRRP-only mode). */
  readonly vrrpOnly?: boolean;
}
