/**
 * nginx `hash KEY [consistent]` (`ngx_http_upstream_hash_module.c`, reference §1.4–§1.5). Plain hash
 * is Cache::Memcached's: `hsum += (crc32([REHASH] KEY) >> 16) & 0x7fff` over weighted slots, each
 * rejection rehashing with a decimal prefix. Consistent hash walks the ring from the key's point,
 * running a round robin round among the addresses of each point's server. Both fall back to round
 * robin for an empty key, a single peer, or after 20 rejections.
 */
import {
  CRC32_INIT,
  crc32,
  crc32Decimal,
  crc32Final,
  crc32String,
  definePlugin,
  roundRobinPick,
  swrrRound,
  type Peer,
  type PeerRequest,
  type PickInput,
  type Strategy,
  type StrategyPlugin,
  type UpstreamParams,
} from '../../src/index.js';
import { buildRing, findPoint, type Ring } from './ring.js';

/** Plain `hash KEY`; stateless apart from the request's scratch. */
export const hash: Strategy = {
  method: 'hash',
  begin(req: PeerRequest, input: PickInput): void {
    req.key = input.hashKey ?? '';
  },
  pick(req: PeerRequest): Peer | undefined {
    const set = req.set;
    if (req.htries > 20 || set.single || req.key.length === 0 || set.totalWeight === 0) {
      return roundRobinPick(req);
    }
    const now = req.upstream.nowSec();
    for (;;) {
      let c = CRC32_INIT;
      if (req.rehash > 0) c = crc32Decimal(c, req.rehash);
      c = crc32Final(crc32String(c, req.key));
      req.hash = (req.hash + ((c >>> 16) & 0x7fff)) >>> 0;
      req.rehash++;
      const p = set.peerAtWeight(req.hash % set.totalWeight);
      if (req.isEligible(p, now)) return req.take(p, now);
      if (++req.htries > 20) return roundRobinPick(req);
    }
  },
};

/** `hash KEY consistent` over a ring built once per upstream. */
export class ConsistentHash implements Strategy {
  readonly method = 'hash';
  readonly ring: Ring;

  constructor(upstream: UpstreamParams) {
    this.ring = buildRing(upstream.servers);
  }

  begin(req: PeerRequest, input: PickInput): void {
    req.key = input.hashKey ?? '';
    req.hash = findPoint(this.ring, crc32(req.key));
  }

  pick(req: PeerRequest): Peer | undefined {
    const set = req.set;
    const n = this.ring.hashes.length;
    if (req.htries > 20 || set.single || req.key.length === 0 || n === 0) return roundRobinPick(req);
    const now = req.upstream.nowSec();
    for (;;) {
      const best = swrrRound(req, set, now, this.ring.servers[req.hash % n]);
      if (best !== undefined) return req.take(best, now);
      req.hash++;
      if (++req.htries > 20) return roundRobinPick(req);
    }
  }
}

/** The `balancer.hash` strategy plugin (`hash KEY` and `hash KEY consistent`). */
export const hashPlugin: StrategyPlugin = definePlugin({
  kind: 'strategy',
  id: 'balancer.hash',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'hash',
  backup: false,
  directives: ['hash'],
  create: (upstream) => (upstream.options?.consistent === true ? new ConsistentHash(upstream) : hash),
});

export default hashPlugin;
