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
      // A changed keepalived.conf replaces the instance (keepalived's reload keeps state; Tandem's
      // engine does not carry state across yet, so an unchanged VRRP slice is simply left running).
      reload: () => false,
      stop: () => service.stop(),
      vrrpStatus: () => service.vrrpStatus(),
      syncGroupStatus: () => service.syncGroupStatus(),
      vrrpService: service,
    };
  },
});

export default vrrpPlugin;
