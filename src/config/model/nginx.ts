import type { SourceLoc } from '../source-loc.js';

/**
 * The typed model of an nginx.conf as Tandem acts on it: http and stream load balancing, with every
 * nginx 1.22 default filled in and http → server → location inheritance already applied. Durations
 * are milliseconds and sizes bytes. Plain, readonly, JSON-serialisable data (design.md §1).
 */
export interface NginxConfig {
  readonly file: string;
  /** The `http {}` block, when the file has one. */
  readonly http?: NginxHttpConfig;
  /** The `stream {}` block, when the file has one (needs `load_module ngx_stream_module.so`). */
  readonly stream?: NginxStreamConfig;
  /** Directives nginx knows that Tandem reads but does not act on (each also gave a warning or is a host setting). */
  readonly ignored: readonly NginxIgnoredDirective[];
}

/** A directive Tandem parsed and validated but does not act on, and why. */
export interface NginxIgnoredDirective {
  readonly name: string;
  /** `silent`: a host setting Tandem has no use for; `warned`: it changes traffic, and Tandem does not honour it. */
  readonly kind: 'silent' | 'warned';
  readonly loc: SourceLoc;
}

/** The balancing method of an upstream block (reference/nginx.md §1); round robin when none is named. */
export type NginxBalancerConfig =
  | { readonly method: 'round_robin' }
  | { readonly method: 'least_conn' }
  | { readonly method: 'ip_hash' }
  | { readonly method: 'hash'; readonly key: string; readonly consistent: boolean }
  /** `random` or `random two [least_conn]`: least_conn is the only (and default) mode of `two`. */
  | { readonly method: 'random'; readonly two: boolean };

/** One `server` line of an upstream block, with nginx's defaults filled in (ngx_http_upstream_server). */
export interface NginxUpstreamServerConfig {
  /** The address exactly as written: the consistent-hash ring hashes this text (reference §1.5). */
  readonly address: string;
  /** Host name or IP literal (IPv6 without brackets); absent for a unix socket. */
  readonly host?: string;
  /** Port; nginx's default is 80 for http, stream requires one. Absent for a unix socket. */
  readonly port?: number;
  /**
   * What the name resolved to when the config was read, IPv4 first: nginx makes one peer per address,
   * all sharing this line's parameters and `address` text (reference §1.0). Absent for a unix socket.
   */
  readonly addresses?: readonly string[];
  /** Unix socket path, for `unix:/path`. */
  readonly unixPath?: string;
  readonly weight: number;
  /** 0 means unlimited. */
  readonly maxConns: number;
  /** 0 turns failure accounting off. */
  readonly maxFails: number;
  /** nginx counts fail_timeout in whole seconds; kept in ms here. */
  readonly failTimeoutMs: number;
  readonly backup: boolean;
  readonly down: boolean;
  readonly loc: SourceLoc;
}

/** `keepalive N` and its companions in an upstream block (ngx_http_upstream_keepalive_module). */
export interface NginxUpstreamKeepaliveConfig {
  /** Idle connections cached per worker. */
  readonly connections: number;
  readonly timeoutMs: number;
  readonly requests: number;
  /** `keepalive_time`: the longest life of one connection. */
  readonly timeMs: number;
}

/** An `upstream NAME {}` block (http or stream). */
export interface NginxUpstreamConfig {
  readonly name: string;
  readonly balancer: NginxBalancerConfig;
  /**
   * A plugin's balancing method chosen for this upstream in tandem.conf (`balancer NAME METHOD;`); it
   * replaces `balancer` when present. nginx.conf itself stays as nginx reads it.
   */
  readonly pluginMethod?: string;
  /** All server lines in config order; `backup` ones form the backup set. */
  readonly servers: readonly NginxUpstreamServerConfig[];
  /** Present when `keepalive N` is in effect (http only; a later balancer directive cancels it, as in nginx). */
  readonly keepalive?: NginxUpstreamKeepaliveConfig;
  /** `zone NAME [SIZE]`: shares peer state across workers (Tandem has one process, so state is always shared). */
  readonly zone?: { readonly name: string; readonly sizeBytes?: number };
  readonly loc: SourceLoc;
}

/** A `listen` directive (http or stream). */
export interface NginxListenConfig {
  /** As written. */
  readonly text: string;
  /** Address to bind: an IP literal (IPv6 without brackets), a host name, or `*` for all addresses. */
  readonly host: string;
  readonly port: number;
  readonly ipv6: boolean;
  /** What nginx binds: the literal address, 0.0.0.0 or :: for `*`, or every address a host name resolves to. */
  readonly addresses: readonly string[];
  /** `unix:/path` listeners. */
  readonly unixPath?: string;
  readonly defaultServer: boolean;
  /** Stream only: `udp`. */
  readonly udp: boolean;
  /** Other parameters as written (ssl, http2, reuseport, backlog=...): not acted on, warned. */
  readonly otherParams: readonly string[];
  readonly loc: SourceLoc;
}

/** Where `proxy_pass` sends traffic: a named upstream block, or one host:port (nginx's implicit upstream). */
export type NginxProxyTarget =
  | { readonly kind: 'upstream'; readonly name: string }
  | {
      readonly kind: 'host';
      readonly host: string;
      readonly port: number;
      readonly ipv6: boolean;
      /** What the host resolved to when the config was read (one implicit-upstream peer each, IPv4 first). */
      readonly addresses: readonly string[];
    }
  | { readonly kind: 'unix'; readonly path: string };

/** A parsed `proxy_pass` (ngx_http_proxy_pass, ngx_stream_proxy_pass). */
export interface NginxProxyPassConfig {
  /** As written. */
  readonly url: string;
  /** http only. */
  readonly scheme?: 'http' | 'https';
  /** Absent when the URL contains variables: resolved per request, which Tandem does not do (warned). */
  readonly target?: NginxProxyTarget;
  /** http only: the URI part, replacing the matched location prefix; absent when the URL has none. */
  readonly uri?: string;
  /** `$proxy_host`: the upstream name, or host:port when the port is not the scheme's default. */
  readonly proxyHost: string;
  readonly hasVariables: boolean;
  readonly loc: SourceLoc;
}

/** A `proxy_next_upstream` condition (http), `off` excluded: an empty list means off. */
export type NginxNextUpstreamCondition =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'non_idempotent'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'updating';

/** One `proxy_set_header NAME VALUE` (value may hold variables, kept as text). */
export interface NginxHeaderConfig {
  readonly name: string;
  readonly value: string;
}

/** The effective proxy settings of a location, after inheritance from server and http. */
export interface NginxHttpProxySettings {
  readonly httpVersion: '1.0' | '1.1';
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly sendTimeoutMs: number;
  /** Empty when `off`. Default `error timeout`. */
  readonly nextUpstream: readonly NginxNextUpstreamCondition[];
  /** 0 = unlimited. */
  readonly nextUpstreamTries: number;
  /** 0 = unlimited. */
  readonly nextUpstreamTimeoutMs: number;
  readonly buffering: boolean;
  readonly passRequestHeaders: boolean;
  /** The `proxy_set_header` lines in effect (a level with any inherits none from outer levels). */
  readonly setHeaders: readonly NginxHeaderConfig[];
  /**
   * What nginx sends: `setHeaders`, then its defaults `Host: $proxy_host` and `Connection: close` unless
   * set; an empty value drops the header (it stays listed here with value '').
   */
  readonly requestHeaders: readonly NginxHeaderConfig[];
}

/** `return CODE [TEXT|URL]` or `return URL` (302). */
export interface NginxReturnConfig {
  readonly code: number;
  readonly text?: string;
  readonly loc: SourceLoc;
}

/** A `location` block. */
export interface NginxLocationConfig {
  /** `prefix` for no modifier, `exact` for `=`, `regex` for `~`, `iregex` for `~*`, `prefix-no-regex` for `^~`, `named` for `@name`. */
  readonly match: 'prefix' | 'exact' | 'regex' | 'iregex' | 'prefix-no-regex' | 'named';
  readonly path: string;
  readonly proxyPass?: NginxProxyPassConfig;
  readonly return?: NginxReturnConfig;
  readonly proxy: NginxHttpProxySettings;
  readonly locations: readonly NginxLocationConfig[];
  readonly loc: SourceLoc;
}

/** An http `server {}` block. */
export interface NginxHttpServerConfig {
  /** Never empty: nginx's default is `*:80` as root, `*:8000` otherwise. */
  readonly listen: readonly NginxListenConfig[];
  /** Default `""`. */
  readonly serverNames: readonly string[];
  readonly return?: NginxReturnConfig;
  /** The server-level proxy settings (what its locations inherit). */
  readonly proxy: NginxHttpProxySettings;
  readonly locations: readonly NginxLocationConfig[];
  readonly loc: SourceLoc;
}

/** One http-level `access_log PATH [FORMAT]` with the `log_format` it names (ngx_http_log_module). */
export interface NginxAccessLogConfig {
  /** The file, absolute (a relative path is resolved against nginx's prefix `/usr/share/nginx`). */
  readonly path: string;
  /** The format's name; `combined` (predefined) when the directive names none. */
  readonly formatName: string;
  /** The format text: the `log_format` strings joined as nginx joins them (no separator). */
  readonly format: string;
  /** `log_format ... escape=`: how variable values are escaped. */
  readonly escape: 'default' | 'json' | 'none';
  readonly loc: SourceLoc;
}

/** The `http {}` block. */
export interface NginxHttpConfig {
  readonly upstreams: readonly NginxUpstreamConfig[];
  readonly servers: readonly NginxHttpServerConfig[];
  /** The http-level access logs that name a file; absent when there are none (or `access_log off`). */
  readonly accessLogs?: readonly NginxAccessLogConfig[];
  readonly loc: SourceLoc;
}

/** A stream `server {}` block (TCP/UDP proxy). */
export interface NginxStreamServerConfig {
  readonly listen: readonly NginxListenConfig[];
  readonly proxyPass?: NginxProxyPassConfig;
  readonly connectTimeoutMs: number;
  /** `proxy_timeout`: idle time between two reads or writes. Default 10m. */
  readonly timeoutMs: number;
  readonly nextUpstream: boolean;
  readonly nextUpstreamTries: number;
  readonly nextUpstreamTimeoutMs: number;
  readonly loc: SourceLoc;
}

/** The `stream {}` block. */
export interface NginxStreamConfig {
  readonly upstreams: readonly NginxUpstreamConfig[];
  readonly servers: readonly NginxStreamServerConfig[];
  readonly loc: SourceLoc;
}
