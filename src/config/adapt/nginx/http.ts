import type { Directive } from '../../directive.js';
import type {
  NginxHttpConfig,
  NginxHttpServerConfig,
  NginxLocationConfig,
  NginxUpstreamConfig,
} from '../../model/nginx.js';
import type { AdaptContext } from './adapt-context.js';
import type { LocationDraft } from './location.js';
import { adaptAccessLogs } from './access-log.js';
import { resolveProxyPass } from './proxy-pass.js';
import { HTTP_PROXY_DEFAULTS, mergeProxyLevel, newProxyLevel, readProxyDirective } from './proxy-settings.js';
import { adaptHttpServer, checkDefaultServers, type ServerDraft } from './server.js';
import { adaptUpstreams } from './upstream.js';

function finishLocation(
  l: LocationDraft,
  upstreams: readonly NginxUpstreamConfig[],
  ctx: AdaptContext,
): NginxLocationConfig {
  const proxyPass =
    l.proxyPass === undefined ? undefined : resolveProxyPass(l.proxyPass, upstreams, ctx, 'http');
  return {
    match: l.match,
    path: l.path,
    ...(proxyPass === undefined ? {} : { proxyPass }),
    ...(l.return === undefined ? {} : { return: l.return }),
    proxy: l.proxy,
    locations: l.locations.map((c) => finishLocation(c, upstreams, ctx)),
    loc: l.loc,
  };
}

function finishServer(
  s: ServerDraft,
  upstreams: readonly NginxUpstreamConfig[],
  ctx: AdaptContext,
): NginxHttpServerConfig {
  return { ...s, locations: s.locations.map((l) => finishLocation(l, upstreams, ctx)) };
}

/**
 * Adapts the `http` block: upstreams, http-level proxy settings and servers. proxy_pass targets are
 * resolved after the whole block is read, since nginx matches an upstream defined later in the file.
 */
export function adaptHttp(d: Directive, ctx: AdaptContext): NginxHttpConfig {
  const children = ctx.valid(d.block);
  const level = newProxyLevel();
  for (const c of children) readProxyDirective(c, level, ctx);
  const proxy = mergeProxyLevel(HTTP_PROXY_DEFAULTS, level);
  const upstreams = adaptUpstreams(children, ctx, 'http');
  const drafts = children.filter((c) => c.name === 'server').map((c) => adaptHttpServer(c, ctx, proxy));
  checkDefaultServers(drafts, ctx);
  const accessLogs = adaptAccessLogs(children);
  return {
    upstreams,
    servers: drafts.map((s) => finishServer(s, upstreams, ctx)),
    ...(accessLogs === undefined ? {} : { accessLogs }),
    loc: d.loc,
  };
}
