/**
 * nginx's default balancing method: smooth weighted round robin with backup (reference §1.1).
 * The algorithm lives in the public API (`roundRobinPick`) because every other method falls back to it.
 */
import { definePlugin, roundRobinPick, type Strategy, type StrategyPlugin } from '../../src/index.js';

/** The stateless round robin strategy (all state is on the peers and the request). */
export const roundRobin: Strategy = {
  method: 'round_robin',
  begin() {
    // nginx `init_round_robin_peer` needs nothing beyond PeerRequest.reset.
  },
  pick: roundRobinPick,
};

/** The `balancer.round_robin` strategy plugin (the method used when an upstream names none). */
export const roundRobinPlugin: StrategyPlugin = definePlugin({
  kind: 'strategy',
  id: 'balancer.round_robin',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'round_robin',
  backup: true,
  create: () => roundRobin,
});

export default roundRobinPlugin;
