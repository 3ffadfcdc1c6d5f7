/**
 * `status`: the one StatusSource the admin server reads, gathered from the running services (the
 * proxies, VRRP) on every call, so it always shows the current configuration. Drains are kept here
 * by name and re-applied after a reload, since a reload rebuilds the upstreams' runtime state.
 */
import {
  definePlugin,
  installDumpSignals,
  isProxyStatusProvider,
  maskSecrets,
  setDrained,
  type ListenerStatus,
  type Model,
  type PluginContext,
  type ProxyStatusProvider,
  type Service,
  type ServicePlugin,
  type StatusSource,
  type SyncGroupStatus,
  type UpstreamStatus,
  type VrrpInstanceStatus,
} from '../../src/index.js';

/** What the VRRP service offers the status API. */
export interface VrrpStatusProvider {
  vrrpStatus(): readonly VrrpInstanceStatus[];
  syncGroupStatus(): readonly SyncGroupStatus[];
}

const PROXIES = ['proxy.stream', 'proxy.http'] as const;

function vrrpOf(ctx: PluginContext): VrrpStatusProvider | undefined {
  const s = ctx.service('vrrp') as Partial<VrrpStatusProvider> | undefined;
  return typeof s?.vrrpStatus === 'function' ? (s as VrrpStatusProvider) : undefined;
}

/** Builds the status source over `ctx`'s running services; `model()` is the running config. */
export function createStatusSource(
  ctx: PluginContext,
  model: () => Model,
): StatusSource & { reapplyDrains(): void } {
  const drains = new Map<string, { upstream: string; server: string }>();
  const proxies = (): ProxyStatusProvider[] =>
    PROXIES.map((id) => ctx.service(id)).filter((s): s is Service & ProxyStatusProvider =>
      isProxyStatusProvider(s),
    );
  const apply = (upstream: string, server: string, drained: boolean) =>
    proxies().some((p) => setDrained(p.upstreamRuntimes(), upstream, server, drained));
  return {
    vrrp: () => vrrpOf(ctx)?.vrrpStatus() ?? [],
    syncGroups: () => vrrpOf(ctx)?.syncGroupStatus() ?? [],
    upstreams: (): UpstreamStatus[] => proxies().flatMap((p) => p.proxyStatus().upstreams),
    listeners: (): ListenerStatus[] => proxies().flatMap((p) => p.proxyStatus().listeners),
    drain(upstream, server) {
      const ok = apply(upstream, server, true);
      if (ok) {
        drains.set(`${upstream}\n${server}`, { upstream, server });
        ctx.log.info(`upstream "${upstream}" server ${server} drained`);
      }
      return ok;
    },
    undrain(upstream, server) {
      const ok = apply(upstream, server, false);
      if (ok) {
        drains.delete(`${upstream}\n${server}`);
        ctx.log.info(`upstream "${upstream}" server ${server} undrained`);
      }
      return ok;
    },
    config: () => maskSecrets(model()),
    reapplyDrains() {
      for (const d of drains.values()) apply(d.upstream, d.server, true);
    },
  };
}

/** The `status` service plugin; it runs for every configuration. */
export const statusPlugin: ServicePlugin<Model> = definePlugin<ServicePlugin<Model>>({
  kind: 'service',
  id: 'status',
  version: '1.0.0',
  api: '^1.0.0',
  select: (model) => model,
  create(ctx, model) {
    let current = model;
    const statusSource = createStatusSource(ctx, () => current);
    let off: (() => void) | undefined;
    let offDumps: (() => void) | undefined;
    return {
      statusSource,
      start() {
        // keepalived's SIGUSR1 (data + JSON) and SIGUSR2 (stats) dumps, with or without the admin server.
        offDumps = installDumpSignals(statusSource, current.tandem.dumps ?? {}, ctx.log);
        // Services replaced or reloaded by the kernel rebuilt their upstreams: drains go back on.
        off = ctx.bus.on('config.reloaded', (e) => {
          if (e.ok) statusSource.reapplyDrains();
        });
      },
      reload(next) {
        current = next;
        return true;
      },
      stop() {
        off?.();
        offDumps?.();
      },
    };
  },
});

export default statusPlugin;
