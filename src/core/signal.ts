/** A listener of a {@link Signal}: told the new value and the one it replaced. */
export type SignalListener<T> = (next: T, prev: T) => void;

/**
 * A value that tells its subscribers when it changes, and only then (edge-triggered, as traefik's
 * `upBefore == upAfter` check). Trackers publish `Signal<{ up, reason }>`; VRRP subscribes.
 */
export interface Signal<T> {
  get(): T;
  subscribe(listener: SignalListener<T>): () => void;
}

/** A {@link Signal} that its owner can set. */
export class WritableSignal<T> implements Signal<T> {
  #value: T;
  readonly #listeners = new Set<SignalListener<T>>();
  readonly #equals: (a: T, b: T) => boolean;

  constructor(initial: T, equals: (a: T, b: T) => boolean = Object.is) {
    this.#value = initial;
    this.#equals = equals;
  }

  get(): T {
    return this.#value;
  }

  /** Sets the value; subscribers run only when it differs from the current one. Returns whether it changed. */
  set(next: T): boolean {
    const prev = this.#value;
    if (this.#equals(prev, next)) return false;
    this.#value = next;
    for (const listener of [...this.#listeners]) listener(next, prev);
    return true;
  }

  subscribe(listener: SignalListener<T>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Tracker state: up or down, and why, for logs and the status API. */
export interface TrackerState {
  readonly up: boolean;
  readonly reason: string;
  /** For weighted trackers, the signed priority change now in force (keepalived's weight). */
  readonly weight?: number;
  /**
   * The raw observation the weight was applied to, so a consumer with its own weight (keepalived's
   * `track_script { chk weight 10 }`) can re-derive the effect: 1/0 for a script, link or process
   * quorum (1 = OK), the integer read from a `track_file`.
   */
  readonly value?: number;
}

/** Equality for {@link TrackerState}: a new reason alone is not an edge unless up/weight change too. */
export function sameTrackerState(a: TrackerState, b: TrackerState): boolean {
  return a.up === b.up && (a.weight ?? 0) === (b.weight ?? 0);
}
