/**
 * `proxy.vip`: listeners on VIPs follow VRRP (bound while the instance is MASTER when
 * `ip_nonlocal_bind` is off), and the proxy's health as a VRRP tracker (docs/vip-listeners.md).
 * Registered before `vrrp`, so its trackers are published before VRRP subscribes.
 */
import {
  createVipService,
  definePlugin,
  listenAddressDiagnostics,
  vipListenConfigOf,
  type ServicePlugin,
  type VipListenConfig,
} from '../../src/index.js';

/** The `proxy.vip` service plugin. */
export const vipListenPlugin: ServicePlugin<VipListenConfig> = definePlugin<ServicePlugin<VipListenConfig>>({
  kind: 'service',
  id: 'proxy.vip',
  version: '1.0.0',
  api: '^1.0.0',
  select: (model) => vipListenConfigOf(model),
  // nginx -t binds its listen addresses; Tandem checks them (on -t, start and every reload).
  check: (model) => listenAddressDiagnostics(model),
  create: (ctx, config) => createVipService(ctx, config),
});

export default vipListenPlugin;
