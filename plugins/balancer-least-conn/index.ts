/**
 * nginx `least_conn` (`ngx_http_upstream_least_conn_module.c`, reference §1.6): the peer with the
 * fewest active connections relative to its weight (`conns * other.weight` compared crosswise); a tie
 * is broken by a round robin round restricted to the tied peers, starting from the first of them.
 * Backups are tried with the same rule when no primary is selectable.
 */
import {
  definePlugin,
  roundRobinPick,
  type Peer,
  type PeerRequest,
  type Strategy,
  type StrategyPlugin,
} from '../../src/index.js';

/** The least_conn strategy; stateless apart from the peers and the request. */
export const leastConn: Strategy = {
  method: 'least_conn',
  begin() {
    // Nothing beyond PeerRequest.reset (nginx uses the round robin peer data as is).
  },
  pick(req: PeerRequest): Peer | undefined {
    for (;;) {
      const set = req.set;
      if (set.single) return roundRobinPick(req);
      const now = req.upstream.nowSec();
      let best: Peer | undefined;
      let many = false;
      const peers = set.peers;
      for (let i = 0; i < peers.length; i++) {
        const p = peers[i] as Peer;
        if (!req.isEligible(p, now)) continue;
        if (best === undefined || p.conns * best.weight < best.conns * p.weight) {
          best = p;
          many = false;
        } else if (p.conns * best.weight === best.conns * p.weight) {
          many = true;
        }
      }
      if (best === undefined) {
        if (req.switchToBackup()) continue;
        return undefined;
      }
      if (many) {
        // The round starts at the first tied peer; `best` moves as in nginx, which keeps the ratio.
        let total = 0;
        for (let i = best.index; i < peers.length; i++) {
          const p = peers[i] as Peer;
          if (req.isTried(i) || p.down) continue;
          if (p.conns * best.weight !== best.conns * p.weight) continue;
          if (p.isFailed(now) || p.isFull()) continue;
          p.currentWeight += p.effectiveWeight;
          total += p.effectiveWeight;
          if (p.effectiveWeight < p.weight) p.effectiveWeight++;
          if (p.currentWeight > best.currentWeight) best = p;
        }
        best.currentWeight -= total;
      }
      return req.take(best, now);
    }
  },
};

/** The `balancer.least_conn` strategy plugin. */
export const leastConnPlugin: StrategyPlugin = definePlugin({
  kind: 'strategy',
  id: 'balancer.least_conn',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'least_conn',
  backup: true,
  directives: ['least_conn'],
  create: () => leastConn,
});

export default leastConnPlugin;
