import type { ListenerStatus, PeerStatus, UpstreamStatus } from '../../admin/status-source.js';
import type { Metrics } from '../../admin/metrics/metrics.js';
import type { Upstream } from './upstream.js';

/** An upstream's runtime as the status API shows it, with the data path's counters from `metrics`. */
export function upstreamStatus(u: Upstream, kind: 'http' | 'stream', metrics: Metrics): UpstreamStatus {
  const now = u.nowSec();
  const peers: PeerStatus[] = [];
  for (const p of u.peers()) {
    peers.push({
      server: p.name,
      address: p.address,
      weight: p.weight,
      available: p.isAvailable(now),
      down: p.down,
      backup: p.backup,
      drained: p.drained,
      failed: p.isFailed(now),
      fails: p.fails,
      maxFails: p.maxFails,
      activeConnections: p.conns,
      ...metrics.upstreamPeer(u.name, p.name).statusFields(),
    });
  }
  return { name: u.name, kind, method: u.strategy.method, peers };
}

/**
 * Drains or undrains the peers written `server` in the upstream named `upstream`; returns whether
 * any matched. New requests avoid a drained peer; the ones it is serving finish.
 */
export function setDrained(
  upstreams: Iterable<Upstream>,
  upstream: string,
  server: string,
  drained: boolean,
): boolean {
  let found = false;
  for (const u of upstreams) {
    if (u.name !== upstream) continue;
    for (const p of u.peers()) {
      if (p.name === server) {
        p.drained = drained;
        found = true;
      }
    }
  }
  return found;
}

/** What a proxy service offers the status API (`proxy.stream`, `proxy.http`). */
export interface ProxyStatusProvider {
  proxyStatus(): { upstreams: UpstreamStatus[]; listeners: ListenerStatus[] };
  upstreamRuntimes(): Iterable<Upstream>;
}

/** Whether a running service offers {@link ProxyStatusProvider}. */
export function isProxyStatusProvider(s: unknown): s is ProxyStatusProvider {
  return typeof (s as Partial<ProxyStatusProvider> | undefined)?.proxyStatus === 'function';
}
