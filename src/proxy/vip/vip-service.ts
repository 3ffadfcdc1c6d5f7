import type { Model } from '../../config/model/index.js';
import type { PluginContext, Service } from '../../core/plugin.js';
import { publishTracker } from '../../core/tracker-publish.js';
import { vipOwnersOf } from './listen-decision.js';
import { ListenerGate } from './listener-gate.js';
import { readNonlocalBind } from './nonlocal-bind.js';
import { proxyHealthPlan } from './proxy-health-refs.js';

/** The `proxy.vip` slice of the model: plain data, compared on reload. */
export interface VipListenConfig {
  /** VIP (canonical) → owning instances. */
  readonly owners: readonly (readonly [string, readonly string[]])[];
  /** Instance → implicit proxy health tracker name. */
  readonly implicit: readonly (readonly [string, string])[];
  /** `vrrp_script` names answered by the proxy health. */
  readonly replaced: readonly string[];
  /** `vrrp_track_process` names answered by the proxy health. */
  readonly replacedProcesses: readonly string[];
  readonly intervalMs: number;
}

/** The slice, or undefined when Tandem runs no VRRP or no proxy (nothing to follow, no health). */
export function vipListenConfigOf(model: Model): VipListenConfig | undefined {
  const k = model.keepalived;
  if (k === undefined || k.vrrpInstances.length === 0 || model.tandem.vrrpOnly === true) return undefined;
  const http = model.nginx?.http?.servers.length ?? 0;
  const stream = model.nginx?.stream?.servers.length ?? 0;
  if (http + stream === 0) return undefined;
  const plan = proxyHealthPlan(model);
  return {
    owners: [...vipOwnersOf(k)],
    implicit: [...plan.implicit],
    replaced: plan.replaced,
    replacedProcesses: plan.replacedProcesses,
    intervalMs: plan.config.intervalMs,
  };
}

/** The running `proxy.vip` service: the proxies register their listeners with its {@link gate}. */
export interface VipService extends Service<VipListenConfig> {
  readonly gate: ListenerGate;
}

/**
 * Creates the `proxy.vip` service: it reads `ip_nonlocal_bind` once, publishes the proxy health
 * trackers in `init` (before VRRP subscribes in its `start`), and follows VRRP's events from `start`.
 */
export function createVipService(ctx: PluginContext, config: VipListenConfig): VipService {
  const nonlocal = readNonlocalBind();
  const gate = new ListenerGate({
    bus: ctx.bus,
    log: ctx.log,
    clock: ctx.clock,
    owners: new Map(config.owners),
    nonlocal,
    intervalMs: config.intervalMs,
  });
  const mirrors: (() => void)[] = [];
  const published = new Set<string>();
  const publish = (c: VipListenConfig): void => {
    for (const [instance, name] of c.implicit) {
      if (published.has(name)) continue;
      published.add(name);
      mirrors.push(publishTracker(ctx, 'script', name, gate.healthOf(instance)));
    }
    for (const name of c.replaced) {
      if (published.has(name)) continue;
      published.add(name);
      ctx.log.info(
        `vrrp_script ${name} checks for an nginx process; Tandem is the proxy here, so its proxy health answers it`,
      );
      mirrors.push(publishTracker(ctx, 'script', name, gate.overall));
    }
    for (const name of c.replacedProcesses) {
      if (published.has(`process:${name}`)) continue;
      published.add(`process:${name}`);
      ctx.log.info(
        `vrrp_track_process ${name} watches an nginx process; Tandem is the proxy here, so its proxy health answers it`,
      );
      mirrors.push(publishTracker(ctx, 'process', name, gate.overall));
    }
  };
  return {
    gate,
    init() {
      ctx.log.info(
        `ip_nonlocal_bind: ipv4 ${nonlocal.ipv4 ? 'on' : 'off'}, ipv6 ${nonlocal.ipv6 ? 'on' : 'off'}` +
          (nonlocal.ipv4 && nonlocal.ipv6 ? '' : '; listeners on VIPs bind while their instance is MASTER'),
      );
      publish(config);
    },
    start() {
      gate.start();
    },
    reload(next) {
      gate.setOwners(new Map(next.owners));
      publish(next);
      return true;
    },
    stop() {
      gate.stop();
      for (const off of mirrors.splice(0)) off();
    },
  };
}
