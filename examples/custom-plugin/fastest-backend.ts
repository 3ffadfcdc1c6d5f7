/**
 * A custom balancing strategy: send each request to the backend that answered fastest recently.
 *
 * Enable it for an nginx.conf upstream from tandem.conf (nginx.conf stays as nginx reads it):
 *
 *     plugin  dist/examples/custom-plugin/fastest-backend.js;   # or --plugin on the command line
 *     balancer backend fastest;
 *
 * Each peer keeps an exponentially weighted moving average (EWMA) of its attempt times, scored
 * times its active connections + 1 so a fast peer that is already busy shares the load (the idea of
 * Finagle's and linkerd's peak-EWMA balancer, without the "peak" part: one slow answer on a busy
 * host must not send all traffic away). Peers with no recent sample (new, or not chosen for
 * `staleMs`) are measured first by nginx's own round robin, so a slow peer that recovered is seen. Which peers may be picked at all (`down`,
 * drained, `max_fails`/`fail_timeout`, `max_conns`, the `backup` set, tries already used) is the
 * upstream's peer state, used through `PeerRequest` exactly as the built-in strategies do.
 */
import {
  definePlugin,
  roundRobinPick,
  type Clock,
  type Peer,
  type PeerOutcome,
  type PeerRequest,
  type Strategy,
  type StrategyPlugin,
} from '../../src/index.js';

/** Tuning of the strategy; the defaults suit HTTP backends answering in milliseconds to seconds. */
export interface FastestOptions {
  /** Weight of a new sample in the average (0..1]: 0.3 forgets a one-off spike within a few requests. */
  readonly decay: number;
  /** A peer whose last sample is older than this is measured again (round robin) before it is trusted. */
  readonly staleMs: number;
  /** What a failed attempt (refused, timed out, 5xx counted as failure) counts as, at least. */
  readonly failurePenaltyMs: number;
}

/** The defaults: decay 0.3, re-measure after 10 s, a failure counts as 5 s. */
export const FASTEST_DEFAULTS: FastestOptions = { decay: 0.3, staleMs: 10_000, failurePenaltyMs: 5_000 };

/** One peer's latency record, mutated in place (one object per peer, none per request). */
interface Sample {
  ewmaMs: number;
  /** Monotonic ms of the last sample. */
  at: number;
}

/**
 * The "fastest recent backend" strategy for one upstream. Exported so tests (and users) can drive
 * it with a VirtualClock; the plugin below builds one per upstream.
 */
export class FastestStrategy implements Strategy {
  readonly method = 'fastest';
  readonly #clock: Clock;
  readonly #o: FastestOptions;
  readonly #samples = new WeakMap<Peer, Sample>();
  /** When each request's current attempt was picked (a pooled request reuses its entry). */
  readonly #startedAt = new WeakMap<PeerRequest, number>();

  constructor(clock: Clock, options: Partial<FastestOptions> = {}) {
    this.#clock = clock;
    this.#o = { ...FASTEST_DEFAULTS, ...options };
  }

  begin(): void {
    // Nothing per request: the peers' samples are the whole state.
  }

  pick(req: PeerRequest): Peer | undefined {
    const peer = this.#choose(req);
    if (peer !== undefined) this.#startedAt.set(req, this.#clock.now());
    return peer;
  }

  #choose(req: PeerRequest): Peer | undefined {
    for (;;) {
      const set = req.set;
      // One peer and no backup: nginx's shortcut (no max_fails, no retry) is round robin's to keep.
      if (set.single) return roundRobinPick(req);
      const now = req.upstream.nowSec();
      const t = this.#clock.now();
      let best: Peer | undefined;
      let bestScore = Infinity;
      for (const p of set.peers) {
        // The same skip test every nginx balancer applies: untried, not down/drained/failed/full.
        if (!req.isEligible(p, now)) continue;
        const s = this.#samples.get(p);
        // Unknown or stale: let round robin (nginx's rotation and weights) measure it.
        if (s === undefined || t - s.at > this.#o.staleMs) return roundRobinPick(req);
        const score = s.ewmaMs * (p.conns + 1);
        if (score < bestScore) {
          best = p;
          bestScore = score;
        }
      }
      if (best !== undefined) return req.take(best, now);
      // Every primary is unavailable or tried: nginx moves on to the backup servers.
      if (!req.switchToBackup()) return undefined;
    }
  }

  release(req: PeerRequest, peer: Peer, outcome: PeerOutcome): void {
    const started = this.#startedAt.get(req);
    if (started === undefined) return;
    const t = this.#clock.now();
    const elapsed = t - started;
    const sample = outcome === 'failed' ? Math.max(elapsed, this.#o.failurePenaltyMs) : elapsed;
    const s = this.#samples.get(peer);
    if (s === undefined) {
      this.#samples.set(peer, { ewmaMs: sample, at: t });
      return;
    }
    // A stale average is old news: the fresh probe replaces it rather than nudging it.
    s.ewmaMs = t - s.at > this.#o.staleMs ? sample : s.ewmaMs + this.#o.decay * (sample - s.ewmaMs);
    s.at = t;
  }

  /** The current average of a peer in ms, or undefined before its first sample (for tests and status). */
  averageMs(peer: Peer): number | undefined {
    return this.#samples.get(peer)?.ewmaMs;
  }
}

/** The plugin: balancing method `fastest`, with `backup` servers allowed (it falls back like round robin). */
const fastestPlugin: StrategyPlugin = definePlugin<StrategyPlugin>({
  kind: 'strategy',
  id: 'example.fastest',
  version: '1.0.0',
  api: '^1.0.0',
  method: 'fastest',
  backup: true,
  create: (_upstream, deps) => new FastestStrategy(deps.clock),
});

export default fastestPlugin;
