import type { Clock } from '../../core/clock.js';
import type { StrategyDeps, StrategyPlugin } from '../../core/plugin.js';
import { Peer, PeerSet } from './peer.js';
import { PeerRequest } from './peer-request.js';
import type { UpstreamParams } from './params.js';
import type { PickInput, Strategy } from './strategy.js';

/**
 * An upstream's runtime: its primary and backup peer sets with their live state, the strategy that
 * picks among them, and the clock whose whole seconds are nginx's `ngx_time()`. State is per
 * instance, as nginx's is per worker without `zone`; one Tandem process is one "worker".
 */
export class Upstream {
  readonly name: string;
  readonly primary: PeerSet;
  /** The `backup` servers, or undefined when there are none. */
  readonly backup: PeerSet | undefined;
  readonly strategy: Strategy;
  readonly clock: Clock;

  constructor(params: UpstreamParams, strategy: Strategy, clock: Clock) {
    this.name = params.name;
    this.strategy = strategy;
    this.clock = clock;
    const primaries: Peer[] = [];
    const backups: Peer[] = [];
    for (const s of params.servers) {
      if (s.backup) backups.push(new Peer(backups.length, s));
      else primaries.push(new Peer(primaries.length, s));
    }
    this.backup = backups.length > 0 ? new PeerSet(backups, true, true) : undefined;
    this.primary = new PeerSet(primaries, false, this.backup !== undefined);
  }

  /** nginx's cached time: whole seconds of the wall clock. */
  nowSec(): number {
    return Math.floor(this.clock.wallNow() / 1000);
  }

  /**
   * Starts balancing one client request (nginx `peer.init`): a fresh {@link PeerRequest} with the
   * tries budget capped by `proxy_next_upstream_tries` (`maxTries`, 0 = unlimited).
   */
  begin(input: PickInput = {}, maxTries = 0): PeerRequest {
    return this.restart(new PeerRequest(this), input, maxTries);
  }

  /** Reuses a pooled request of this upstream for a new client request (allocates nothing). */
  restart(req: PeerRequest, input: PickInput = {}, maxTries = 0): PeerRequest {
    req.reset(maxTries);
    this.strategy.begin(req, input);
    return req;
  }

  /** Every peer, primaries first, for status pages and metrics. */
  *peers(): IterableIterator<Peer> {
    yield* this.primary.peers;
    if (this.backup !== undefined) yield* this.backup.peers;
  }
}

/** Builds an upstream's runtime with the strategy a plugin creates for it. */
export function createUpstream(params: UpstreamParams, plugin: StrategyPlugin, deps: StrategyDeps): Upstream {
  return new Upstream(params, plugin.create(params, deps), deps.clock);
}
