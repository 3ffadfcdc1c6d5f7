/**
 * `proxy.stream`: nginx's `stream {}` TCP load balancing from the nginx.conf model.
 */
import {
  STREAM_DEFAULTS,
  StreamService,
  definePlugin,
  sharedMetrics,
  implicitUpstreamOf,
  upstreamParamsOf,
  type Model,
  type NginxStreamConfig,
  type ServicePlugin,
  type StreamServerSpec,
  type UpstreamParams,
  type VipService,
} from '../../src/index.js';

/** Maps the stream block of the model onto the stream service's specs: one per TCP listen address. */
export function streamSpecs(stream: NginxStreamConfig): StreamServerSpec[] {
  const byName = new Map(stream.upstreams.map((u) => [u.name, u]));
  const specs: StreamServerSpec[] = [];
  for (const server of stream.servers) {
    const pass = server.proxyPass;
    if (pass?.target === undefined) continue;
    let upstream: UpstreamParams | undefined;
    let hashKey: string | undefined;
    if (pass.target.kind === 'upstream') {
      const block = byName.get(pass.target.name);
      if (block === undefined) continue;
      upstream = upstreamParamsOf(block);
      if (block.balancer.method === 'hash') hashKey = block.balancer.key;
    } else {
      upstream = implicitUpstreamOf(pass);
    }
    if (upstream === undefined) continue;
    for (const listen of server.listen) {
      // UDP is reported by the config check as not honoured; only TCP listeners run.
      if (listen.udp || listen.unixPath !== undefined) continue;
      specs.push({
        ...STREAM_DEFAULTS,
        listen: { host: listen.host, port: listen.port, loc: listen.loc },
        upstream,
        ...(hashKey === undefined ? {} : { hashKey }),
        connectTimeoutMs: server.connectTimeoutMs,
        idleTimeoutMs: server.timeoutMs,
        nextUpstream: server.nextUpstream,
        nextUpstreamTries: server.nextUpstreamTries,
        nextUpstreamTimeoutMs: server.nextUpstreamTimeoutMs,
      });
    }
  }
  return specs;
}

/** The `proxy.stream` service plugin. */
export const streamProxyPlugin: ServicePlugin<readonly StreamServerSpec[]> = definePlugin({
  kind: 'service',
  id: 'proxy.stream',
  version: '1.0.0',
  api: '^1.0.0',
  requires: ['balancer.round_robin'],
  select(model: Model) {
    if (model.tandem.vrrpOnly === true || model.nginx?.stream === undefined) return undefined;
    const specs = streamSpecs(model.nginx.stream);
    return specs.length === 0 ? undefined : specs;
  },
  create(ctx, specs) {
    const service = new StreamService({
      log: ctx.log,
      clock: ctx.clock,
      random: ctx.random,
      strategy: (method) => ctx.strategy(method),
      metrics: sharedMetrics(),
      // Present when keepalived.conf runs too: listeners on VIPs follow their instance.
      gate: () => ctx.service<VipService>('proxy.vip')?.gate,
    });
    return {
      start: () => service.start(specs),
      reload: async (next) => {
        await service.reload(next);
        return true;
      },
      stop: (signal) => service.stop(signal),
      proxyStatus: () => service.status(),
      upstreamRuntimes: () => service.upstreams().values(),
    };
  },
});

export default streamProxyPlugin;
