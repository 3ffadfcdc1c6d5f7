import type { SourceLoc } from '../../config/source-loc.js';
import type { Upstream } from '../upstream/upstream.js';

/** Where a listener binds. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** The `listen` directive, so a failed bind is reported at its line. */
  readonly loc?: SourceLoc;
}

/**
 * One `stream { server { ... } }` block as the stream proxy runs it, with nginx 1.22's defaults
 * (`ngx_stream_proxy_module`): proxy_connect_timeout 60s, proxy_timeout 10m, proxy_next_upstream on,
 * proxy_next_upstream_tries 0 (unlimited), proxy_next_upstream_timeout 0 (unlimited).
 */
export interface StreamServerParams {
  readonly listen: ListenAddress;
  /** The upstream runtime this server proxies to; shared with every server naming the same block. */
  readonly upstream: Upstream;
  /** `hash KEY` of the upstream, evaluated per connection; undefined when the method has no key. */
  readonly hashKey?: string;
  readonly connectTimeoutMs: number;
  /** `proxy_timeout`: the longest silence in both directions before both sides are closed. */
  readonly idleTimeoutMs: number;
  readonly nextUpstream: boolean;
  readonly nextUpstreamTries: number;
  readonly nextUpstreamTimeoutMs: number;
}

/** nginx's stream proxy defaults, in milliseconds. */
export const STREAM_DEFAULTS = {
  connectTimeoutMs: 60_000,
  idleTimeoutMs: 600_000,
  nextUpstream: true,
  nextUpstreamTries: 0,
  nextUpstreamTimeoutMs: 0,
} as const;
