import { phaseContext } from '../../src/index.js';
import type {
  Logger,
  Metrics,
  Peer,
  PeerMetrics,
  PeerRequest,
  PickSession,
  Upstream,
  UpstreamPicker,
} from '../../src/index.js';

/** The `keepalive` settings of an upstream block, when it has them. */
export type KeepaliveOf = UpstreamPicker['keepalive'];

/**
 * Adapts one upstream's nginx-exact runtime (peer state + strategy) to the HTTP data path's picker:
 * one {@link PeerRequest} per client request, a lease per attempt, released exactly once with
 * nginx's outcome (`free_rr`), and the "temporarily disabled" warning where nginx logs it.
 */
export function upstreamPicker(
  upstream: Upstream,
  hashKey: string | undefined,
  keepalive: KeepaliveOf,
  deps: { log: Logger; metrics: Metrics },
): UpstreamPicker {
  // Metric handles found once per peer, not per request (the facade keys them by name strings).
  const handles = new WeakMap<Peer, PeerMetrics>();
  const metricsOf = (peer: Peer): PeerMetrics => {
    let h = handles.get(peer);
    if (h === undefined) {
      h = deps.metrics.upstreamPeer(upstream.name, peer.name);
      handles.set(peer, h);
    }
    return h;
  };
  // A peer's connect target, split once rather than per request (nginx keeps it parsed in the peer).
  const targets = new WeakMap<Peer, { host: string; port: number }>();
  const targetOf = (peer: Peer): { host: string; port: number } => {
    let t = targets.get(peer);
    if (t === undefined) {
      const colon = peer.address.lastIndexOf(':');
      t = {
        host: peer.address.slice(0, colon).replace(/^\[|\]$/g, ''),
        port: Number(peer.address.slice(colon + 1)),
      };
      targets.set(peer, t);
    }
    return t;
  };
  return {
    name: upstream.name,
    ...(keepalive === undefined ? {} : { keepalive }),
    begin(request): PickSession {
      const input =
        hashKey === undefined
          ? { remoteAddr: request.clientIp }
          : { remoteAddr: request.clientIp, hashKey: request.hashKey(hashKey) };
      const pr: PeerRequest = upstream.begin(input, request.triesLimit);
      return {
        get triesLeft() {
          return pr.tries;
        },
        grantExtraTry() {
          pr.tries++;
        },
        next() {
          const peer = pr.pick();
          if (peer === undefined) return undefined;
          const metrics = metricsOf(peer);
          metrics.selected();
          metrics.request();
          const { host, port } = targetOf(peer);
          let released = false;
          return {
            host,
            port,
            name: peer.address,
            release(outcome, phase) {
              if (released) return;
              released = true;
              if (outcome === 'failed') metrics.failed();
              if (pr.free(outcome)) {
                const context = phaseContext(phase ?? 'connecting');
                deps.log.warn(`upstream server temporarily disabled ${context}, upstream: "${peer.address}"`);
              }
            },
          };
        },
      };
    },
  };
}
