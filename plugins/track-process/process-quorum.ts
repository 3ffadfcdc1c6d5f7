import {
  WritableSignal,
  healthTrackerState,
  type Clock,
  type Logger,
  type TimerHandle,
  type TrackerState,
} from '../../src/index.js';
import type { ProcessTrackerParams } from './params.js';

/**
 * The quorum state of one `vrrp_track_process` (keepalived `track_process.c`), fed process counts.
 * Quorum is held while quorum ≤ count ≤ quorum_max. The first count sets it directly (keepalived's
 * initial `read_procs`). Later, a change of quorum caused by new processes waits `forkDelay`, one
 * caused by exits waits `terminateDelay`; a pending change is dropped if the count goes back, and a
 * crossing in the opposite direction cancels it and applies at once (keepalived cancels the other
 * timer). Each flip logs keepalived's `Quorum gained|lost for tracked process NAME`.
 */
export class ProcessQuorum {
  readonly signal: WritableSignal<TrackerState>;
  readonly #p: ProcessTrackerParams;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #min: number;
  readonly #max: number;
  #count: number | undefined;
  #have = false;
  #pending: { readonly dir: 'fork' | 'terminate'; readonly timer: TimerHandle } | undefined;

  constructor(params: ProcessTrackerParams, clock: Clock, log: Logger) {
    this.#p = params;
    this.#clock = clock;
    this.#log = log;
    this.#max = params.quorumMax ?? Number.POSITIVE_INFINITY;
    this.#min = params.quorumMax === 0 ? 0 : Math.max(1, params.quorum ?? 1);
    this.signal = new WritableSignal<TrackerState>(
      this.#state('init'),
      (a, b) => a.up === b.up && a.weight === b.weight && a.reason !== 'init',
    );
  }

  /** The number of matching processes last seen. */
  get count(): number {
    return this.#count ?? 0;
  }

  /** Whether quorum is held (as published). */
  get have(): boolean {
    return this.#have;
  }

  #inRange(n: number): boolean {
    return n >= this.#min && n <= this.#max;
  }

  #state(reason: string): TrackerState {
    return healthTrackerState(this.#have, reason);
  }

  #apply(have: boolean, log: boolean): void {
    const changed = have !== this.#have;
    this.#have = have;
    if (changed && log)
      this.#log.info(`Quorum ${have ? 'gained' : 'lost'} for tracked process ${this.#p.name}`);
    this.signal.set(
      this.#state(
        `${this.count} process${this.count === 1 ? '' : 'es'}, quorum ${have ? 'held' : 'not held'}`,
      ),
    );
  }

  #cancel(): void {
    if (this.#pending !== undefined) this.#clock.clearTimeout(this.#pending.timer);
    this.#pending = undefined;
  }

  /** Feeds the latest count of matching processes. */
  update(n: number): void {
    const prev = this.#count;
    this.#count = n;
    if (prev === undefined) {
      this.#apply(this.#inRange(n), false);
      return;
    }
    if (n === prev) return;
    const want = this.#inRange(n);
    if (want === this.#have) {
      this.#cancel();
      return;
    }
    const dir = n > prev ? 'fork' : 'terminate';
    if (this.#pending !== undefined) {
      if (this.#pending.dir === dir) return;
      this.#cancel();
      this.#apply(want, true);
      return;
    }
    const delay = (dir === 'fork' ? this.#p.forkDelay : this.#p.terminateDelay) ?? 0;
    if (delay <= 0) {
      this.#apply(want, true);
      return;
    }
    const timer = this.#clock.setTimeout(() => {
      this.#pending = undefined;
      this.#apply(this.#inRange(this.count), true);
    }, delay);
    this.#pending = { dir, timer };
  }

  /** Cancels a pending delayed change. */
  stop(): void {
    this.#cancel();
  }
}
