/**
 * What the admin server reads from the running daemon. The admin area cannot import the VRRP engine,
 * the trackers or the proxies, so it asks this narrow, plain-JSON interface; the daemon wiring
 * implements it over the live objects. Every method is called off the data path (a scrape, a
 * `/status` request, a dashboard tick) and must return a fresh snapshot without side effects, except
 * `drain`/`undrain`.
 */

/** A VRRP instance state, as keepalived names them (`vrrp.h` VRRP_STATE_*; STOP after shutdown). */
export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** keepalived's numeric state (`keepalived_vrrp_state`, the JSON dump): INIT 0, BACKUP 1, MASTER 2, FAULT 3. */
export const VRRP_STATE_NUMBER: Readonly<Record<VrrpState, number>> = {
  INIT: 0,
  BACKUP: 1,
  MASTER: 2,
  FAULT: 3,
  // keepalived has no STOP number in its exporters; 97 is VRRP_STATE_STOP in keepalived's vrrp.h.
  STOP: 97,
};

/**
 * One instance's counters, named exactly like keepalived's JSON `stats` object (`vrrp_json.c`), which
 * is the vocabulary both keepalived exporters map from (reference/performance.md §3.2).
 */
export interface VrrpStats {
  readonly advert_rcvd: number;
  readonly advert_sent: number;
  readonly become_master: number;
  readonly release_master: number;
  readonly packet_len_err: number;
  readonly advert_interval_err: number;
  readonly ip_ttl_err: number;
  readonly invalid_type_rcvd: number;
  readonly addr_list_err: number;
  readonly invalid_authtype: number;
  readonly authtype_mismatch: number;
  readonly auth_failure: number;
  readonly pri_zero_rcvd: number;
  readonly pri_zero_sent: number;
}

/** The error counters of {@link VrrpStats}; `tandem_vrrp_errors_total{reason}` uses these keys as reasons. */
export const VRRP_ERROR_KEYS = [
  'packet_len_err',
  'advert_interval_err',
  'ip_ttl_err',
  'invalid_type_rcvd',
  'addr_list_err',
  'invalid_authtype',
  'authtype_mismatch',
  'auth_failure',
] as const satisfies readonly (keyof VrrpStats)[];

/** A tracker as an instance sees it: its signal state plus the weight this instance applies. */
export interface TrackerStatus {
  /** `script`, `interface`, `file`, `process`, ... (the TrackerDirectory kind). */
  readonly kind: string;
  readonly name: string;
  readonly up: boolean;
  /** Why, in words an operator understands: `exited with status 1`, `link down`. */
  readonly reason: string;
  /** The weight this instance applies (0: a failure means FAULT). */
  readonly weight: number;
  /** For scripts: a run is in progress (keepalived's script `State = running`). */
  readonly running?: boolean;
}

/** A virtual address of an instance. */
export interface VipStatus {
  /** The address with its prefix, as keepalived prints it: `203.0.113.10/24`, `2001:db8::10/64`. */
  readonly address: string;
  /** The device it is added to (`dev`). */
  readonly interface: string;
  /** `global` unless configured otherwise. */
  readonly scope?: string;
  /** Currently installed on the interface (keepalived prints ` set`). */
  readonly installed: boolean;
}

/** One VRRP instance. */
export interface VrrpInstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  /** The state the instance wants (keepalived's `wantstate`), e.g. MASTER while a sync group holds it back. */
  readonly wantState: VrrpState;
  readonly interface: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly family: 'ipv4' | 'ipv6';
  readonly basePriority: number;
  /** After tracker weights, clamped to [1, 254] (keepalived `vrrp_track.c`). */
  readonly effectivePriority: number;
  /** Advert interval in milliseconds. */
  readonly advertIntervalMs: number;
  /** The current master's address (own source address when MASTER); null when unknown. */
  readonly masterAddress: string | null;
  /** The master's advertised priority when BACKUP (keepalived `master_priority`), else 0. */
  readonly masterPriority: number;
  readonly vips: readonly VipStatus[];
  readonly excludedVips: readonly VipStatus[];
  readonly trackers: readonly TrackerStatus[];
  readonly syncGroup: string | null;
  /** `garp_master_delay` in seconds (reported by keepalived's exporter as a counter). */
  readonly garpDelay: number;
  readonly preempt: boolean;
  readonly authType: 'none' | 'pass' | 'ah';
  /** Wall-clock ms of the last state change; null before the first. */
  readonly lastTransition: number | null;
  /** Transitions into each state since start (MASTER equals `stats.become_master`). */
  readonly transitions: Readonly<Partial<Record<VrrpState, number>>>;
  readonly stats: VrrpStats;
}

/** A `vrrp_sync_group`. */
export interface SyncGroupStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly instances: readonly string[];
}

/** Counts of responses by status class, as nginx-module-vts and HAProxy bucket them. */
export interface ResponseClasses {
  readonly '1xx': number;
  readonly '2xx': number;
  readonly '3xx': number;
  readonly '4xx': number;
  readonly '5xx': number;
}

/** One `server` of an upstream. */
export interface PeerStatus {
  /** The server as written in nginx.conf (`10.0.0.1:8080`, `app.local:80`); the `server` label. */
  readonly server: string;
  /** The resolved address it connects to. */
  readonly address: string;
  readonly weight: number;
  /** Selectable now: not down, not drained, not failed out, under max_conns (nginx `ngx_http_upstream_get_peer`). */
  readonly available: boolean;
  /** Marked `down` in the config. */
  readonly down: boolean;
  readonly backup: boolean;
  /** Drained through the admin API: no new requests, running ones finish. */
  readonly drained: boolean;
  /** Failed out by max_fails/fail_timeout (passive health). */
  readonly failed: boolean;
  /** Failures in the current fail_timeout window (nginx `peer->fails`). */
  readonly fails: number;
  readonly maxFails: number;
  readonly activeConnections: number;
  readonly selections: number;
  readonly requests: number;
  readonly responses: ResponseClasses;
  readonly connectionErrors: number;
}

/** An `upstream` block (HTTP or stream). */
export interface UpstreamStatus {
  readonly name: string;
  readonly kind: 'http' | 'stream';
  /** Balancing method: `round_robin`, `least_conn`, `ip_hash`, `hash`, `random`. */
  readonly method: string;
  readonly peers: readonly PeerStatus[];
}

/** A listening socket of the proxy (an nginx `listen`). */
export interface ListenerStatus {
  /** The frontend name (`frontend` label): `http:0.0.0.0:80`, or the server_name. */
  readonly name: string;
  readonly kind: 'http' | 'stream';
  readonly address: string;
  readonly port: number;
  /** Bound now (a listener on a VIP binds only while its instance is MASTER). */
  readonly bound: boolean;
  /** The VRRP instance it follows, if any. */
  readonly follows: string | null;
  readonly activeConnections: number;
}

/**
 * The admin server's view of the daemon. The wiring implements it; tests use a fake. `drain` and
 * `undrain` return false when the upstream or server is unknown (the API answers 404).
 */
export interface StatusSource {
  vrrp(): readonly VrrpInstanceStatus[];
  syncGroups(): readonly SyncGroupStatus[];
  upstreams(): readonly UpstreamStatus[];
  listeners(): readonly ListenerStatus[];
  /** Stops new requests to a peer; running requests finish (HAProxy DRAIN). */
  drain(upstream: string, server: string): boolean;
  /** Returns a drained peer to service. */
  undrain(upstream: string, server: string): boolean;
  /** The running model; the admin server masks secrets again before answering. */
  config(): unknown;
}

/** A StatusSource with nothing in it: the admin server before (or without) the VRRP and proxy services. */
export const emptyStatusSource: StatusSource = {
  vrrp: () => [],
  syncGroups: () => [],
  upstreams: () => [],
  listeners: () => [],
  drain: () => false,
  undrain: () => false,
  config: () => ({}),
};

/** Zeroed keepalived counters, for sources and tests that start an instance. */
export function zeroVrrpStats(): VrrpStats {
  return {
    advert_rcvd: 0,
    advert_sent: 0,
    become_master: 0,
    release_master: 0,
    packet_len_err: 0,
    advert_interval_err: 0,
    ip_ttl_err: 0,
    invalid_type_rcvd: 0,
    addr_list_err: 0,
    invalid_authtype: 0,
    authtype_mismatch: 0,
    auth_failure: 0,
    pri_zero_rcvd: 0,
    pri_zero_sent: 0,
  };
}
