/**
 * nginx `random [two [least_conn]]` (`ngx_http_upstream_random_module.c`, reference §1.7): a peek
 * draws `random() % total_weight` and binary-searches the weighted ranges; `random` takes the first
 * acceptable peek, `two` takes two distinct acceptable peeks and keeps the one with fewer
 * connections per weight (ties to the second). More than 20 rejections fall back to round robin.
 * The source of randomness is injected; nginx's own (`random()` seeded by pid and time) is not
 * reproducible, so only distributions can be compared with it.
 */
import {
  definePlugin,
  roundRobinPick,
  type Peer,
  type PeerRequest,
  type PeerSet,
  type Random,
  type Strategy,
  type StrategyPlugin,
} from '../../src/index.js';

/** `random` or `random two`, drawing from an injected {@link Random}. */
export class RandomStrategy implements Strategy {
  readonly method = 'random';
  readonly two: boolean;
  readonly #random: Random;

  constructor(two: boolean, random: Random) {
    this.two = two;
    this.#random = random;
  }

  begin(): void {
    // nginx `rp->tries = 0`: PeerRequest.reset clears htries.
  }

  /** One peek: a 31-bit draw like libc `random()`, modulo the weight space, then binary search. */
  peek(set: PeerSet): Peer {
    const x = Math.floor(this.#random() * 0x80000000) % set.totalWeight;
    const starts = set.starts;
    let i = 0;
    let j = set.peers.length;
    while (j - i > 1) {
      const k = (i + j) >>> 1;
      if (x < (starts[k] ?? 0)) j = k;
      else i = k;
    }
    return set.peers[i] as Peer;
  }

  pick(req: PeerRequest): Peer | undefined {
    const set = req.set;
    if (req.htries > 20 || set.single || set.totalWeight === 0) return roundRobinPick(req);
    const now = req.upstream.nowSec();
    let prev: Peer | undefined;
    for (;;) {
      const p = this.peek(set);
      if (p !== prev && req.isEligible(p, now)) {
        if (!this.two) return req.take(p, now);
        if (prev !== undefined)
          return req.take(p.conns * prev.weight > prev.conns * p.weight ? prev : p, now);
        prev = p;
      }
      if (++req.htries > 20) return roundRobinPick(req);
    }
  }
}

/** The `balancer.random` strategy plugin (`random` and `random two [least_conn]`). */
export const randomPlugin: StrategyPlugin = definePlugin({
  kind: 'strategy',
  id: 'balancer.random',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'random',
  backup: false,
  directives: ['random'],
  create: (upstream, deps) => new RandomStrategy(upstream.options?.two === true, deps.random),
});

export default randomPlugin;
