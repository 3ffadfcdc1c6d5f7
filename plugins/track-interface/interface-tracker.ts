import {
  WritableSignal,
  sameTrackerState,
  healthTrackerState,
  type Clock,
  type Logger,
  type TimerHandle,
  type TrackerState,
} from '../../src/index.js';
import type { LinkSource } from './link-source.js';
import type { InterfaceTrackerParams } from './params.js';

/**
 * Tracks one interface's link (keepalived `process_if_status_change`): publishes `value` 1 while
 * IFF_UP and IFF_RUNNING are set, 0 otherwise (deleted or unknown too), as raw health
 * (`healthTrackerState`): the tracking instance applies its `track_interface` weight. Each accepted change logs keepalived's `Netlink reports IF up|down`;
 * `interface_up_down_delays` hold a change back until it has lasted the delay.
 */
export class InterfaceTracker {
  readonly signal: WritableSignal<TrackerState>;
  readonly #p: InterfaceTrackerParams;
  readonly #source: LinkSource;
  readonly #clock: Clock;
  readonly #log: Logger;
  #up: boolean;
  #pending: TimerHandle | undefined;
  #unsubscribe: (() => void) | undefined;

  readonly #logNetlink: boolean;

  constructor(
    params: InterfaceTrackerParams,
    source: LinkSource,
    clock: Clock,
    log: Logger,
    logNetlink = true,
  ) {
    this.#p = params;
    this.#logNetlink = logNetlink;
    this.#source = source;
    this.#clock = clock;
    this.#log = log;
    this.#up = source.get(params.name) ?? false;
    this.signal = new WritableSignal(this.#state(), sameTrackerState);
  }

  #state(): TrackerState {
    return healthTrackerState(this.#up, `link ${this.#up ? 'up' : 'down'}`);
  }

  /** Whether the link counts as up now (after any delay). */
  get up(): boolean {
    return this.#up;
  }

  /** Follows the link source from now on. */
  start(): void {
    if (this.#unsubscribe !== undefined) return;
    this.#unsubscribe = this.#source.subscribe(this.#p.name, (up) => {
      this.#onChange(up);
    });
    // A change between construction and start must not be lost.
    this.#onChange(this.#source.get(this.#p.name) ?? false);
  }

  #onChange(up: boolean): void {
    if (this.#pending !== undefined) {
      // The link flipped back within the delay: the pending change never happened.
      this.#clock.clearTimeout(this.#pending);
      this.#pending = undefined;
    }
    if (up === this.#up) return;
    const delay = (up ? this.#p.upDelay : this.#p.downDelay) ?? 0;
    if (delay <= 0) {
      this.#accept(up);
      return;
    }
    this.#pending = this.#clock.setTimeout(() => {
      this.#pending = undefined;
      this.#accept(up);
    }, delay);
  }

  #accept(up: boolean): void {
    this.#up = up;
    if (this.#logNetlink) this.#log.info(`Netlink reports ${this.#p.name} ${up ? 'up' : 'down'}`);
    this.signal.set(this.#state());
  }

  /** Stops following the link. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#pending !== undefined) this.#clock.clearTimeout(this.#pending);
    this.#pending = undefined;
  }
}
