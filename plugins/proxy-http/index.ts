/**
 * `proxy.http`: nginx's `http {}` load balancing from the nginx.conf model.
 */
import {
  HttpProxy,
  createNextUpstreamDecider,
  createUpstream,
  definePlugin,
  formatDiagnostic,
  implicitUpstreamOf,
  keepaliveParams,
  sharedMetrics,
  upstreamParamsOf,
  upstreamStatus,
  type ListenerStatus,
  type Model,
  type NginxHttpConfig,
  type PluginContext,
  type ServicePlugin,
  type Upstream,
  type UpstreamPicker,
  type VipService,
} from '../../src/index.js';
import { openAccessLogs, type AccessLogs } from './access-log-writer.js';
import { upstreamPicker, type KeepaliveOf } from './picker.js';
import { httpServerParams } from './server-params.js';

/** How long in-flight requests may run on the old configuration after a reload or a stop. */
const GRACE_MS = 30_000;

/**
 * How long a stopping proxy lets busy keep-alive connections close in-band (`Connection: close` on
 * their next response) before closing the idle ones; clients reusing a connection at least this often
 * never see a reset. VRRP hands the VIP over after it.
 */
const DRAIN_IDLE_GRACE_MS = 100;

interface Built {
  readonly proxy: HttpProxy;
  readonly upstreams: Map<string, Upstream>;
  /** The http-level `access_log` files, if any. */
  readonly logs: AccessLogs | undefined;
}

/** Builds the proxy and every upstream runtime for one http block; errors are located diagnostics. */
function build(ctx: PluginContext, http: NginxHttpConfig): Built {
  const metrics = sharedMetrics();
  const clock = ctx.clock;
  const upstreams = new Map<string, Upstream>();
  const pickers = new Map<string, UpstreamPicker>();
  const strategy = (method: string) => {
    const plugin = ctx.strategy(method);
    if (plugin === undefined) throw new Error(`no balancing strategy "${method}"`);
    return plugin;
  };
  for (const block of http.upstreams) {
    const params = upstreamParamsOf(block);
    const u = createUpstream(params, strategy(params.method), { clock, random: ctx.random });
    upstreams.set(block.name, u);
    const ka = block.keepalive;
    const keepalive: KeepaliveOf =
      ka === undefined
        ? undefined
        : keepaliveParams(ka.connections, {
            timeoutMs: ka.timeoutMs,
            requests: ka.requests,
            timeMs: ka.timeMs,
          });
    const key = block.balancer.method === 'hash' ? block.balancer.key : undefined;
    pickers.set(block.name, upstreamPicker(u, key, keepalive, { log: ctx.log, metrics }));
  }
  // `proxy_pass http://host:port` without an upstream block: nginx's implicit upstream per target.
  for (const server of http.servers) {
    const visit = (locations: NginxHttpConfig['servers'][number]['locations']): void => {
      for (const l of locations) {
        const implicit = l.proxyPass === undefined ? undefined : implicitUpstreamOf(l.proxyPass);
        if (implicit !== undefined && !pickers.has(implicit.name)) {
          const u = createUpstream(implicit, strategy('round_robin'), { clock, random: ctx.random });
          upstreams.set(implicit.name, u);
          pickers.set(implicit.name, upstreamPicker(u, undefined, undefined, { log: ctx.log, metrics }));
        }
        visit(l.locations);
      }
    };
    visit(server.locations);
  }
  // Per-peer response classes and nginx's request counter come from the access-log hook: the one
  // place that knows each attempt's upstream address and status ($upstream_addr, $upstream_status).
  const byAddress = new Map<string, ReturnType<typeof metrics.upstreamPeer>>();
  for (const [name, u] of upstreams)
    for (const p of u.peers()) byAddress.set(p.address, metrics.upstreamPeer(name, p.name));
  // One frontend per listener (`http:HOST:PORT`, the name /status gives it), as HAProxy has one per
  // `bind` line; the metrics facade caches the handle by name, so counters survive a reload.
  const frontends = new Map<string, ReturnType<typeof metrics.frontend>>();
  const frontendOf = (name: string) => {
    let f = frontends.get(name);
    if (f === undefined) {
      f = metrics.frontend(name === '' ? 'http' : name, 'http');
      frontends.set(name, f);
    }
    return f;
  };
  const logs = http.accessLogs === undefined ? undefined : openAccessLogs(http.accessLogs, ctx.log);
  const { proxy, diagnostics } = HttpProxy.create({
    servers: httpServerParams(http),
    pickerFor: (target) => pickers.get(target.upstream),
    logger: ctx.log,
    decideNext: createNextUpstreamDecider,
    connections: {
      opened: (name) => {
        frontendOf(name).connectionOpened();
      },
      closed: (name, bytesIn, bytesOut) => {
        const f = frontendOf(name);
        f.connectionClosed();
        f.bytes(bytesIn, bytesOut);
      },
    },
    accessLog: (entry) => {
      logs?.write(entry);
      const frontend = frontendOf(entry.frontend ?? '');
      frontend.request();
      frontend.response(entry.status);
      if (entry.upstreamAddr === '' || entry.upstreamAddr === '-') return;
      // One attempt is the common case: no splitting, no allocation.
      if (!entry.upstreamAddr.includes(', ')) {
        const status = Number(entry.upstreamStatus);
        if (status > 0) byAddress.get(entry.upstreamAddr)?.response(status);
        return;
      }
      const addrs = entry.upstreamAddr.split(/, | : /);
      const statuses = entry.upstreamStatus.split(/, | : /);
      for (let i = 0; i < addrs.length; i++) {
        const status = Number(statuses[i]);
        if (Number.isInteger(status) && status > 0) byAddress.get(addrs[i] ?? '')?.response(status);
      }
    },
  });
  for (const d of diagnostics) ctx.log.warn(formatDiagnostic(d));
  // Every listener's series exists from the start at 0, before its first connection (a rate() needs it).
  for (const a of proxy.addresses()) frontendOf(`http:${a.host}:${a.requestedPort}`);
  return { proxy, upstreams, logs };
}

/** The `proxy.http` service plugin. */
export const httpProxyPlugin: ServicePlugin<NginxHttpConfig> = definePlugin<ServicePlugin<NginxHttpConfig>>({
  kind: 'service',
  id: 'proxy.http',
  version: '1.0.0',
  api: '^1.0.0',
  requires: ['balancer.round_robin'],
  select(model: Model) {
    const http = model.nginx?.http;
    if (model.tandem.vrrpOnly === true || http === undefined || http.servers.length === 0) return undefined;
    return http;
  },
  create(ctx, http) {
    let current: Built | undefined;
    // Present when keepalived.conf runs too: listeners on VIPs follow their instance.
    const gate = () => ctx.service<VipService>('proxy.vip')?.gate;
    const service = {
      async start() {
        const next = build(ctx, http);
        await next.proxy.listen(undefined, gate()).catch((e: unknown) => {
          next.logs?.close();
          throw e;
        });
        current = next;
      },
      // In place: the new proxy takes over the listening sockets, so no connection is refused;
      // the old one lets its requests finish (nginx's old workers on reload).
      async reload(nextHttp: NginxHttpConfig) {
        const next = build(ctx, nextHttp);
        const old = current;
        await next.proxy.listen(old?.proxy, gate()).catch((e: unknown) => {
          next.logs?.close();
          throw e;
        });
        current = next;
        // The old configuration's requests keep logging to its files until they finish.
        if (old !== undefined) void old.proxy.close(GRACE_MS).then(() => old.logs?.close());
        return true;
      },
      // Graceful stop, first phase, before VRRP hands the VIP over: Connection: close from now on,
      // idle keep-alive connections closed once the busy ones had the time to close in-band.
      async drain() {
        await current?.proxy.drain(DRAIN_IDLE_GRACE_MS);
      },
      async stop(signal: AbortSignal) {
        const grace = signal.aborted ? 0 : GRACE_MS;
        await current?.proxy.close(grace);
        current?.logs?.close();
        current = undefined;
      },
      proxyStatus() {
        const metrics = sharedMetrics();
        const c = current;
        if (c === undefined) return { upstreams: [], listeners: [] };
        return {
          upstreams: [...c.upstreams.values()].map((u) => upstreamStatus(u, 'http', metrics)),
          listeners: c.proxy.addresses().map((a): ListenerStatus => {
            const gated = gate()?.status(`http:${a.host}:${a.requestedPort}`);
            return {
              name: `http:${a.host}:${a.port}`,
              kind: 'http',
              address: a.host,
              port: a.port,
              bound: gated?.bound ?? true,
              follows: gated?.follows ?? null,
              activeConnections: metrics.frontend(`http:${a.host}:${a.requestedPort}`, 'http').current,
            };
          }),
        };
      },
      upstreamRuntimes() {
        return current?.upstreams.values() ?? [].values();
      },
    };
    return service;
  },
});

export default httpProxyPlugin;
