/**
 * The plain input a balancer is built from: one upstream block as nginx sees it after resolving
 * names. The nginx model adapter maps `upstream { ... }` (and implicit upstreams) onto these types;
 * the balancer never reads the config model itself.
 */

/** One peer: a `server` line, or one resolved address of a `server` line that names a host. */
export interface ServerParams {
  /**
   * The server text exactly as written (`127.0.0.1:8081`, `backend:80`, `unix:/run/app.sock`). Every
   * address of one line shares it; `hash ... consistent` places its ring points by this spelling
   * (nginx `ngx_http_upstream_init_chash`).
   */
  readonly name: string;
  /** The resolved address this peer connects to (`$upstream_addr`); defaults to `name`. */
  readonly address?: string;
  /** `weight=N`, at least 1 (nginx default 1). */
  readonly weight: number;
  /** `max_fails=N`; 0 turns failure accounting off (nginx default 1). */
  readonly maxFails: number;
  /** `fail_timeout=T` in milliseconds; nginx keeps whole seconds, so it is floored (default 10000). */
  readonly failTimeout: number;
  /** `backup`: used only when no primary is selectable within a request. */
  readonly backup: boolean;
  /** `down`: never selected, but still counted in hash space (`total_weight`) and ring points. */
  readonly down: boolean;
  /** `max_conns=N`; 0 means unlimited (nginx default 0). */
  readonly maxConns: number;
}

/** Arguments of the balancing directive, already split by the config adapter. */
export interface MethodOptions {
  /** `hash KEY`: the key expression as written (the proxy evaluates it per request). */
  readonly key?: string;
  /** `hash KEY consistent`. */
  readonly consistent?: boolean;
  /** `random two [least_conn]` (least_conn is the only mode, so `two` is enough). */
  readonly two?: boolean;
}

/** One upstream block: its name, balancing method and servers in config order. */
export interface UpstreamParams {
  /** The upstream name (`$upstream_addr` when no peer is live). */
  readonly name: string;
  /** The balancing method: `round_robin` (no directive), `ip_hash`, `hash`, `least_conn`, `random`. */
  readonly method: string;
  readonly options?: MethodOptions;
  /** Every peer in config order, primaries and backups mixed as written. */
  readonly servers: readonly ServerParams[];
}

/** nginx's defaults for a `server` line without parameters (`ngx_http_upstream_server`). */
export const SERVER_DEFAULTS: Omit<ServerParams, 'name'> = {
  weight: 1,
  maxFails: 1,
  failTimeout: 10_000,
  backup: false,
  down: false,
  maxConns: 0,
};

/** A {@link ServerParams} with nginx's defaults for everything not given. */
export function serverParams(name: string, over: Partial<Omit<ServerParams, 'name'>> = {}): ServerParams {
  return { ...SERVER_DEFAULTS, name, ...over };
}

/**
 * The upstream nginx builds for `proxy_pass http://host:port` with no matching `upstream` block
 * (`ngx_http_upstream_create_round_robin_peer`): round robin over every resolved address with
 * weight 1, max_fails 1, fail_timeout 10s and no backup; one address makes it a single peer.
 */
export function implicitUpstreamParams(name: string, addresses: readonly string[]): UpstreamParams {
  return {
    name,
    method: 'round_robin',
    servers: addresses.map((address) => serverParams(name, { address })),
  };
}
