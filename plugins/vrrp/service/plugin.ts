/**
 * The `vrrp` service plugin: runs the vrrp_instance blocks of keepalived.conf.
 */
import {
  definePlugin,
  withProxyHealthTracks,
  type KeepalivedConfig,
  type ServicePlugin,
} from '../../../src/index.js';
import { VrrpService } from './vrrp-service.js';

/** The `vrrp` plugin. */
export const vrrpPlugin: ServicePlugin<KeepalivedConfig> = definePlugin<ServicePlugin<KeepalivedConfig>>({
  kind: 'service',
  id: 'vrrp',
  version: '1.0.0',
  api: '^1.0.0',
  // Instances the proxy serves also track its health (proxy.vip publishes it; docs/vip-listeners.md).
  select: (model) =>
    model.keepalived === undefined || model.keepalived.vrrpInstances.length === 0
      ? undefined
      : withProxyHealthTracks(model),
  create(ctx, model) {
    const service = new VrrpService(ctx, model);
    return {
      start: () => service.start(),
      // In place, as keepalived's reload: a MASTER stays MASTER (see VrrpService.reload).
      reload: (next: KeepalivedConfig) => service.reload(next),
      // Before any service stops: hand the VIPs over while the proxy still serves on them.
      drain: (signal: AbortSignal) => service.handover(signal),
      stop: () => service.stop(),
      vrrpStatus: () => service.vrrpStatus(),
      syncGroupStatus: () => service.syncGroupStatus(),
      vrrpService: service,
    };
  },
});

export default vrrpPlugin;
