import { performance } from 'node:perf_hooks';

/** An opaque handle for a timer started on a {@link Clock}. */
export interface TimerHandle {
  readonly id: number;
}

/**
 * Time as the daemon sees it, injected so that VRRP, trackers and balancers run the same code on a
 * real clock and on a virtual one in tests (design.md §2). `now()` is monotonic milliseconds (may
 * be fractional); `wallNow()` is the Unix epoch in milliseconds, for nginx's whole-second clocks and logs.
 */
export interface Clock {
  now(): number;
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** A source of uniform random numbers in [0, 1), injected so tests are deterministic. */
export type Random = () => number;

/** The real clock: `performance.now()` and the event loop's timers. */
export class SystemClock implements Clock {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #next = 1;

  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    const t = setTimeout(
      () => {
        this.#timers.delete(id);
        fn();
      },
      Math.max(0, ms),
    );
    this.#timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.#timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.#timers.delete(handle.id);
    }
  }
}

interface VirtualTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A clock that only moves when told to: `advance(ms)` fires every timer due in that span in due
 * order (ties in creation order), including timers those timers start. No wall-clock sleeps.
 */
export class VirtualClock implements Clock {
  #now: number;
  readonly #wallOffset: number;
  #timers: VirtualTimer[] = [];
  #next = 1;

  constructor(start = 0, wallStart = 1_700_000_000_000) {
    this.#now = start;
    this.#wallOffset = wallStart - start;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#now + this.#wallOffset;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#next++, due: this.#now + Math.max(0, ms), fn };
    // Keep the list sorted by due time, stable for equal times.
    let i = this.#timers.length;
    while (i > 0 && (this.#timers[i - 1]?.due ?? 0) > timer.due) i--;
    this.#timers.splice(i, 0, timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  /** The number of timers still pending. */
  get pending(): number {
    return this.#timers.length;
  }

  /** The due time of the next timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.#timers[0]?.due;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `t`, firing due timers in order. */
  advanceTo(t: number): void {
    for (;;) {
      const first = this.#timers[0];
      if (first === undefined || first.due > t) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, first.due);
      first.fn();
    }
    this.#now = Math.max(this.#now, t);
  }
}

/** A deterministic {@link Random} (mulberry32) for tests and simulations. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
