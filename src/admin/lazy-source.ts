import { emptyStatusSource, type StatusSource } from './status-source.js';

/**
 * A StatusSource that asks `current()` on every call, so the admin server keeps working when the
 * service behind it is replaced by a reload. Falls back to the empty source while there is none.
 */
export function lazyStatusSource(current: () => StatusSource | undefined): StatusSource {
  const s = () => current() ?? emptyStatusSource;
  return {
    vrrp: () => s().vrrp(),
    syncGroups: () => s().syncGroups(),
    upstreams: () => s().upstreams(),
    listeners: () => s().listeners(),
    drain: (upstream, server) => s().drain(upstream, server),
    undrain: (upstream, server) => s().undrain(upstream, server),
    config: () => s().config(),
  };
}
