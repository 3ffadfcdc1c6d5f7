import type { Directive } from '../../directive.js';
import type {
  NginxListenConfig,
  NginxProxyPassConfig,
  NginxStreamConfig,
  NginxStreamServerConfig,
  NginxUpstreamConfig,
} from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { adaptUpstreams } from './upstream.js';
import { adaptListen, listenAddrTexts } from './listen.js';
import { readStreamProxyPass, resolveProxyPass, type PendingProxyPass } from './proxy-pass.js';
import { parseNginxInt, parseNginxTime } from './units.js';

type StreamProxy = Pick<
  NginxStreamServerConfig,
  'connectTimeoutMs' | 'timeoutMs' | 'nextUpstream' | 'nextUpstreamTries' | 'nextUpstreamTimeoutMs'
>;

/** nginx 1.22 stream proxy defaults (ngx_stream_proxy_merge_srv_conf). */
const STREAM_DEFAULTS: StreamProxy = {
  connectTimeoutMs: 60_000,
  timeoutMs: 600_000,
  nextUpstream: true,
  nextUpstreamTries: 0,
  nextUpstreamTimeoutMs: 0,
};

/** Reads the stream proxy directives of one level over the outer level's values (stream → server). */
function readStreamProxy(children: readonly Directive[], inherited: StreamProxy): StreamProxy {
  const out: { -readonly [K in keyof StreamProxy]: StreamProxy[K] } = { ...inherited };
  for (const c of children) {
    const text = arg(c, 0);
    switch (c.name) {
      case 'proxy_connect_timeout':
        out.connectTimeoutMs = parseNginxTime(text, false) ?? 0;
        break;
      case 'proxy_timeout':
        out.timeoutMs = parseNginxTime(text, false) ?? 0;
        break;
      case 'proxy_next_upstream':
        out.nextUpstream = text.toLowerCase() === 'on';
        break;
      case 'proxy_next_upstream_tries':
        out.nextUpstreamTries = parseNginxInt(text) ?? 0;
        break;
      case 'proxy_next_upstream_timeout':
        out.nextUpstreamTimeoutMs = parseNginxTime(text, false) ?? 0;
        break;
      default:
        break;
    }
  }
  return out;
}

interface StreamServerDraft {
  readonly d: Directive;
  readonly listen: NginxListenConfig[];
  readonly proxyPass?: PendingProxyPass;
  readonly proxy: StreamProxy;
}

/**
 * Adapts the `stream` block. Stream servers have no virtual hosts, so an address and port may be
 * listened on once in the whole block ("duplicate ... address and port pair"), and a server needs a
 * `listen` (ngx_stream_core_server: "no "listen" is defined for server").
 */
export function adaptStream(d: Directive, ctx: AdaptContext): NginxStreamConfig {
  const children = ctx.valid(d.block);
  const proxy = readStreamProxy(children, STREAM_DEFAULTS);
  const upstreams = adaptUpstreams(children, ctx, 'stream');
  const seen = new Set<string>();
  const drafts: StreamServerDraft[] = [];
  for (const s of children.filter((c) => c.name === 'server')) {
    const inner = ctx.valid(s.block);
    const listen: NginxListenConfig[] = [];
    let proxyPass: PendingProxyPass | undefined;
    for (const c of inner) {
      if (c.name === 'listen') {
        const l = adaptListen(c, ctx, 'stream');
        if (l === undefined) continue;
        const proto = l.udp ? 'udp' : 'tcp';
        const dup = listenAddrTexts(l).find((t) => seen.has(`${proto} ${t}`));
        if (dup !== undefined) ctx.error(c, `duplicate "${dup}" address and port pair`);
        for (const t of listenAddrTexts(l)) seen.add(`${proto} ${t}`);
        listen.push(l);
      } else if (c.name === 'proxy_pass') {
        if (proxyPass !== undefined) ctx.error(c, '"proxy_pass" directive is duplicate');
        else proxyPass = readStreamProxyPass(c, ctx);
      }
    }
    if (listen.length === 0 && !inner.some((c) => c.name === 'listen')) {
      ctx.error(s, 'no "listen" is defined for server');
    }
    // ngx_stream_core_server: a server must hand its connections to a content module.
    if (!inner.some((c) => c.name === 'proxy_pass' || c.name === 'return'))
      ctx.error(s, 'no handler for server');
    drafts.push({
      d: s,
      listen,
      ...(proxyPass === undefined ? {} : { proxyPass }),
      proxy: readStreamProxy(inner, proxy),
    });
  }
  const servers = drafts.map((s) => finishStreamServer(s, upstreams, ctx));
  return { upstreams, servers, loc: d.loc };
}

function finishStreamServer(
  s: StreamServerDraft,
  upstreams: readonly NginxUpstreamConfig[],
  ctx: AdaptContext,
): NginxStreamServerConfig {
  const proxyPass: NginxProxyPassConfig | undefined =
    s.proxyPass === undefined ? undefined : resolveProxyPass(s.proxyPass, upstreams, ctx, 'stream');
  return { listen: s.listen, ...(proxyPass === undefined ? {} : { proxyPass }), ...s.proxy, loc: s.d.loc };
}
