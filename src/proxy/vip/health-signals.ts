import { WritableSignal, sameTrackerState, type TrackerState } from '../../core/signal.js';
import { healthTrackerState } from '../../core/track-weight.js';

/** One listener that cannot serve, and the instances it serves. */
export interface ListenerFailure {
  readonly name: string;
  readonly text: string;
  readonly serves: readonly string[];
}

const UP: TrackerState = healthTrackerState(true, 'every listener is serving');

/**
 * The proxy health as tracker signals: one per VRRP instance (failures of the listeners serving it)
 * and one overall (what a replaced `pidof nginx` check reports). Raw health only, as a script
 * tracker publishes it: the tracking reference's weight decides FAULT or a priority change.
 */
export class HealthSignals {
  readonly #perInstance = new Map<string, WritableSignal<TrackerState>>();
  /** Every listener together. */
  readonly overall = new WritableSignal<TrackerState>(UP, sameTrackerState);
  #failures: readonly ListenerFailure[] = [];

  /** The signal of one instance, created from the current failures on first use. */
  of(instance: string): WritableSignal<TrackerState> {
    let s = this.#perInstance.get(instance);
    if (s === undefined) {
      s = new WritableSignal<TrackerState>(this.#stateOf(instance), sameTrackerState);
      this.#perInstance.set(instance, s);
    }
    return s;
  }

  /** Sets the failing listeners; each signal fires only on an edge (up/down), not on a new reason. */
  update(failures: readonly ListenerFailure[]): void {
    this.#failures = failures;
    this.overall.set(stateOf(failures));
    for (const [instance, s] of this.#perInstance) s.set(this.#stateOf(instance));
  }

  #stateOf(instance: string): TrackerState {
    return stateOf(this.#failures.filter((f) => f.serves.includes(instance)));
  }
}

function stateOf(failures: readonly ListenerFailure[]): TrackerState {
  if (failures.length === 0) return UP;
  return healthTrackerState(false, failures.map((f) => `listener ${f.name}: ${f.text}`).join('; '));
}
