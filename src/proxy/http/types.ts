import type { SourceLoc } from '../../config/source-loc.js';

/**
 * Plain input types of the HTTP data path. The nginx model adapter (issue 4) fills these from
 * `server {}` / `location {}` blocks; the upstream runtime (issue 8 items 2–4) satisfies
 * {@link UpstreamPicker} through a small adapter. Nothing here depends on either.
 */
import type { NextUpstreamParams } from '../next-upstream.js';

/** One `listen` directive of a server block. */
export interface ListenParams {
  /** Address to bind; `0.0.0.0` or `::` for nginx's `*` (`listen 80`). */
  readonly host: string;
  readonly port: number;
  /** `listen … default_server`: this block answers requests whose Host matches no server_name. */
  readonly defaultServer: boolean;
  /** The `listen` directive, so a failed bind is reported at its line. */
  readonly loc?: SourceLoc;
}

/** How a location's path is matched, nginx spelling: `=`, `^~`, plain prefix, `~` and `~*`. */
export type LocationMatchKind = '=' | '^~' | 'prefix' | '~' | '~*';

/** The `proxy_pass` target of a location. */
export interface ProxyPassParams {
  readonly scheme: 'http';
  /**
   * An `upstream {}` name, or `host:port` / `host` of an implicit upstream. The picker for it is
   * supplied by the caller ({@link ProxyRuntime.pickerFor}); this string is also `$proxy_host`.
   */
  readonly upstream: string;
  /**
   * The URI part after the host (`proxy_pass http://u/x/;` → `/x/`), or undefined when the
   * directive has none: then the client's original URI is passed unchanged.
   */
  readonly uri?: string;
}

/** One `proxy_set_header NAME VALUE;` (an empty value removes the header, as in nginx). */
export interface SetHeaderParams {
  readonly name: string;
  /** The unevaluated value, variables included (`$proxy_add_x_forwarded_for`). */
  readonly value: string;
}

// The next_upstream types live with the one implementation of nginx's rules (src/proxy/next-upstream.ts).
export type {
  DecideNext,
  FailureKind,
  NextUpstreamCondition,
  NextUpstreamContext,
  NextUpstreamParams,
  NextUpstreamVerdict as NextUpstreamDecision,
} from '../next-upstream.js';

/** A `return CODE [TEXT|URL];` directive. */
export interface ReturnParams {
  readonly code: number;
  /** Body text, or the redirect URL for 301/302/303/307/308; variables are expanded. */
  readonly text?: string;
}

/** One `location` block, flattened with every inherited proxy setting already resolved. */
export interface LocationParams {
  readonly match: LocationMatchKind;
  /** The path, or the regex source for `~` / `~*` (PCRE named groups `(?P<n>…)` are accepted). */
  readonly path: string;
  readonly proxyPass?: ProxyPassParams;
  readonly return?: ReturnParams;
  /** The effective `proxy_set_header` list (nginx: a level with any entry inherits none). */
  readonly setHeaders: readonly SetHeaderParams[];
  /** `proxy_http_version`: '1.0' (nginx 1.22 default) or '1.1'. */
  readonly httpVersion: '1.0' | '1.1';
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly sendTimeoutMs: number;
  /**
   * `proxy_buffering`. Tandem always streams with backpressure; `on` only lets the response head
   * wait for nothing extra (kept so the adapter can pass it and docs can state the difference).
   */
  readonly buffering: boolean;
  /** `proxy_redirect`: `default` (nginx's default, rewriting Location from the proxy_pass URL) or `off`. */
  readonly proxyRedirect?: 'default' | 'off';
  /** `proxy_pass_request_headers` (default on). */
  readonly passRequestHeaders: boolean;
  readonly nextUpstream: NextUpstreamParams;
}

/** One `server {}` block of the http context. */
export interface HttpServerParams {
  readonly listen: readonly ListenParams[];
  /** `server_name` entries as written: exact, `*.a.b`, `.a.b`, `a.b.*`, `~regex`, or `""`. */
  readonly serverNames: readonly string[];
  readonly locations: readonly LocationParams[];
}

/** Keep-alive cache of an `upstream {}` block (`keepalive`, `keepalive_timeout`, `keepalive_requests`). */
export interface KeepaliveParams {
  /** `keepalive N`: idle connections cached per upstream (per worker); 0 disables the cache. */
  readonly connections: number;
  /** `keepalive_timeout` in ms (default 60000). */
  readonly timeoutMs: number;
  /** `keepalive_requests` (default 1000). */
  readonly requests: number;
  /** `keepalive_time` in ms (default 3600000): a connection is not reused after this age. */
  readonly timeMs: number;
}

/** How a failed attempt is reported to the peer state (nginx `ngx_peer_connection` free states). */
export type PeerOutcome = 'ok' | 'failed' | 'next';

/** Where an attempt was when its peer was released (nginx's log action: connecting, sending, reading). */
export type LeasePhase = 'connecting' | 'sending' | 'reading';

/** One chosen peer for one attempt; release exactly once when the attempt ends. */
export interface PeerLease {
  readonly host: string;
  readonly port: number;
  /** The peer's `server` text (`127.0.0.1:8081`), for `$upstream_addr` and log lines. */
  readonly name: string;
  /**
   * nginx `free_rr`: `failed` counts towards max_fails, `next` is a 403/404 retry, `ok` anything else.
   * `phase` is where the attempt was, for the "temporarily disabled" warning's `while ...` context.
   */
  release(outcome: PeerOutcome, phase?: LeasePhase): void;
}

/** What the balancer gets to see of the request (for ip_hash / hash keys). */
export interface PickRequest {
  readonly clientIp: string;
  /** Evaluates the `hash KEY` template lazily; only hash strategies call it. */
  readonly hashKey: (template: string) => string;
  /** `proxy_next_upstream_tries` (0 = unlimited): caps the session's tries. */
  readonly triesLimit: number;
}

/** One request's balancing state (nginx: `tried` bitmap, `tries`, hash rehash state). */
export interface PickSession {
  /** The next peer, or undefined for nginx's BUSY ("no live upstreams"). */
  next(): PeerLease | undefined;
  /** nginx `u->peer.tries` after the last release (a single-peer upstream drops it to 0). */
  readonly triesLeft: number;
  /** nginx gives one extra try when a cached keep-alive connection fails with `error` (§1.8). */
  grantExtraTry(): void;
}

/** The narrow balancing interface the data path needs from an upstream. */
export interface UpstreamPicker {
  /** The upstream's name for log lines (`upstream: "http://NAME/path"` on no live upstreams). */
  readonly name: string;
  /** Upstream keep-alive settings; undefined for implicit upstreams (nginx caches none for them). */
  readonly keepalive?: KeepaliveParams;
  begin(request: PickRequest): PickSession;
}
