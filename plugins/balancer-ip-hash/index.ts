/**
 * nginx `ip_hash` (`ngx_http_upstream_ip_hash_module.c`, reference §1.3): the client's address bytes
 * walk a hash (start 89, `h = (h * 113 + byte) % 6271` per byte) that owns weighted slots; a tried or
 * unavailable peer continues the same hash chain, and after 20 rejections round robin takes over.
 */
import {
  definePlugin,
  ipHashBytesInto,
  roundRobinPick,
  type Peer,
  type PeerRequest,
  type PickInput,
  type Strategy,
  type StrategyPlugin,
} from '../../src/index.js';

/** The ip_hash strategy; stateless apart from the request's scratch. */
export const ipHash: Strategy = {
  method: 'ip_hash',
  begin(req: PeerRequest, input: PickInput): void {
    req.hash = 89;
    req.addrLen = ipHashBytesInto(req.addr, input.remoteAddr);
  },
  pick(req: PeerRequest): Peer | undefined {
    const set = req.set;
    if (req.htries > 20 || set.single || set.totalWeight === 0) return roundRobinPick(req);
    const now = req.upstream.nowSec();
    const addr = req.addr;
    const len = req.addrLen;
    let h = req.hash;
    for (;;) {
      for (let i = 0; i < len; i++) h = (h * 113 + (addr[i] ?? 0)) % 6271;
      const p = set.peerAtWeight(h % set.totalWeight);
      if (req.isEligible(p, now)) {
        req.hash = h;
        return req.take(p, now);
      }
      if (++req.htries > 20) return roundRobinPick(req);
    }
  },
};

/** The `balancer.ip_hash` strategy plugin. */
export const ipHashPlugin: StrategyPlugin = definePlugin({
  kind: 'strategy',
  id: 'balancer.ip_hash',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'ip_hash',
  backup: false,
  directives: ['ip_hash'],
  create: () => ipHash,
});

export default ipHashPlugin;
