import { configError, type Diagnostic } from '../../core/diagnostic.js';
import type { AccessLogSink } from './access-log.js';
import type { Logger } from '../../core/logger.js';
import { defaultSignature } from './error-pages.js';
import { KeepalivePool } from './keepalive-pool.js';
import { LocationMatcher } from './location-match.js';
import { createNextUpstreamDecider } from '../next-upstream.js';
import type { ProxyRoute } from './proxy-route.js';
import { defaultRedirect } from './proxy-redirect.js';
import { compileHead } from './request-head.js';
import { compileTemplate, type Template } from './variables.js';
import type {
  DecideNext,
  HttpServerParams,
  LocationParams,
  NextUpstreamParams,
  ProxyPassParams,
  UpstreamPicker,
} from './types.js';

/** What the caller supplies besides the server blocks. */
export interface HttpProxyOptions {
  readonly servers: readonly HttpServerParams[];
  /**
   * The balancer for a `proxy_pass` target: the named `upstream {}`, or an implicit upstream for
   * `host:port`. Undefined gives nginx's `host not found in upstream "x"`.
   */
  readonly pickerFor: (target: ProxyPassParams) => UpstreamPicker | undefined;
  readonly logger: Logger;
  /** `Server:` header and error page signature; default `nginx/1.22.1` for drop-in parity. */
  readonly signature?: string;
  /** Request bodies up to this many bytes are buffered for retries (default 64 KiB). */
  readonly bodyBufferBytes?: number;
  /** nginx `client_max_body_size` (default 1 MiB; 0 = unlimited): larger request bodies get 413. */
  readonly maxBodyBytes?: number;
  /** Receives one entry per request with nginx's log variables (`$upstream_addr`, …); off by default. */
  readonly accessLog?: AccessLogSink;
  /** Replaces nginx's next-upstream rule (default {@link createNextUpstreamDecider}). */
  readonly decideNext?: (params: NextUpstreamParams) => DecideNext;
  /**
   * Told of every client connection opened and closed (nginx stub_status accepted/active), with the
   * listener's frontend name (`http:HOST:PORT`, as written in `listen`) and, at close, the bytes
   * read from and written to the client.
   */
  readonly connections?: {
    opened(frontend: string): void;
    closed(frontend: string, bytesIn: number, bytesOut: number): void;
  };
}

/** A location compiled for request time: a proxy route or a `return`. */
export interface CompiledLocation {
  readonly params: LocationParams;
  readonly route?: ProxyRoute;
  readonly returnText?: Template;
  /** True for `=`, `^~` and plain prefixes: a proxy_pass URI part replaces the matched prefix. */
  readonly prefixMatch: boolean;
}

/** A server block compiled for request time. */
export interface CompiledServer {
  readonly params: HttpServerParams;
  /** `$server_name`: the first name. */
  readonly name: string;
  readonly locations: LocationMatcher<CompiledLocation>;
}

/** Compiles every server block; problems are diagnostics and the faulty part is left out. */
export function compileServers(opts: HttpProxyOptions): {
  servers: CompiledServer[];
  pools: KeepalivePool[];
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const pools = new Map<UpstreamPicker, KeepalivePool | undefined>();
  const signature = opts.signature ?? defaultSignature;
  const decider = opts.decideNext ?? createNextUpstreamDecider;
  const servers = opts.servers.map((params) => {
    const compiled = params.locations.map((loc) => {
      const prefixMatch = loc.match === '=' || loc.match === '^~' || loc.match === 'prefix';
      const value: CompiledLocation = { params: loc, prefixMatch, ...compileLocation(loc) };
      return { match: loc.match, path: loc.path, value };
    });
    const built = LocationMatcher.build(compiled);
    diagnostics.push(...built.diagnostics);
    return {
      params,
      name: params.serverNames.find((n) => !n.startsWith('~')) ?? '',
      locations: built.matcher,
    };
  });
  return { servers, pools: [...pools.values()].filter((p) => p !== undefined), diagnostics };

  function compileLocation(loc: LocationParams): { route?: ProxyRoute; returnText?: Template } {
    if (loc.return !== undefined) {
      const c = compileTemplate(loc.return.text ?? '');
      diagnostics.push(...c.diagnostics);
      return { returnText: c.template };
    }
    if (loc.proxyPass === undefined) return {};
    const picker = opts.pickerFor(loc.proxyPass);
    if (picker === undefined) {
      diagnostics.push(
        configError('http.host-not-found', `host not found in upstream "${loc.proxyPass.upstream}"`),
      );
      return {};
    }
    if (!pools.has(picker)) {
      const ka = picker.keepalive;
      pools.set(picker, ka !== undefined && ka.connections > 0 ? new KeepalivePool(ka) : undefined);
    }
    const head = compileHead(loc);
    diagnostics.push(...head.diagnostics);
    const route: ProxyRoute = {
      location: loc,
      picker,
      pool: pools.get(picker),
      head: head.head,
      redirect: defaultRedirect(loc),
      decideNext: decider(loc.nextUpstream),
      logger: opts.logger,
      signature,
      bodyBufferBytes: opts.bodyBufferBytes ?? 64 * 1024,
      maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
    };
    return { route };
  }
}
