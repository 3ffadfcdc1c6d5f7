import type { Peer, PeerSet } from './peer.js';
import type { PeerRequest } from './peer-request.js';

/**
 * One smooth weighted round robin round over the untried, available peers of `set` (nginx
 * `ngx_http_upstream_get_peer`): every eligible peer gains its effective weight, a lowered
 * effective weight recovers by one, the highest current weight wins (ties to the lowest index) and
 * pays back the round's total. With `only`, the round is restricted to peers whose server text is
 * exactly that (consistent hash: the addresses of one ring point). Returns the winner, not yet taken.
 */
export function swrrRound(req: PeerRequest, set: PeerSet, now: number, only?: string): Peer | undefined {
  let best: Peer | undefined;
  let total = 0;
  const peers = set.peers;
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i] as Peer;
    if (only !== undefined && p.name !== only) continue;
    if (!req.isEligible(p, now)) continue;
    p.currentWeight += p.effectiveWeight;
    total += p.effectiveWeight;
    if (p.effectiveWeight < p.weight) p.effectiveWeight++;
    if (best === undefined || p.currentWeight > best.currentWeight) best = p;
  }
  if (best !== undefined) best.currentWeight -= total;
  return best;
}

/**
 * nginx's round robin `get` (`ngx_http_upstream_get_round_robin_peer`), the default method and the
 * fallback of every other one. A single-peer set skips max_fails entirely; when the set is
 * exhausted the request moves to the backup set (fresh tried bitmap) and tries again there.
 */
export function roundRobinPick(req: PeerRequest): Peer | undefined {
  for (;;) {
    const set = req.set;
    if (set.single) {
      const p = set.peers[0];
      if (p !== undefined && !p.down && !p.isFull()) return req.hold(p);
    } else {
      const now = req.upstream.nowSec();
      const best = swrrRound(req, set, now);
      if (best !== undefined) return req.take(best, now);
    }
    if (!req.switchToBackup()) return undefined;
  }
}
