/**
 * keepalived's rise/fall bookkeeping for one vrrp_script (`vrrp_scheduler.c`
 * `vrrp_script_child_thread`), as a pure value: `result` runs from 0 to rise+fall−1 and the script is
 * OK while `result >= rise`. At start it is rise−1 (one success is enough), or 0 with `init_fail`
 * (rise successes needed). A success below rise−1 counts up; at rise−1 it flips to OK and jumps to
 * the top. A failure above rise counts down; at rise (or before any result) it flips to failed and
 * drops to 0. A failure while already failed resets to 0, so successes must be consecutive.
 */
export class ScriptCounter {
  readonly #rise: number;
  readonly #fall: number;
  #result: number;
  /** keepalived's SCRIPT_INIT_STATE_INIT: no result yet, and the first failure is reported. */
  #initial: boolean;

  constructor(rise: number, fall: number, initFail: boolean) {
    this.#rise = Math.max(1, rise);
    this.#fall = Math.max(1, fall);
    this.#result = initFail ? 0 : this.#rise - 1;
    this.#initial = !initFail;
  }

  /**
   * The counter for a reloaded script, carried from the old one as keepalived's `clear_diff_script`
   * does: a script with no result yet starts afresh; otherwise failed stays failed at the same distance
   * below the new rise, and OK stays OK at the same distance above it (the top stays the top).
   * `carried` is `ok`/`failed` when keepalived logs `considered successful|unsuccessful on reload`.
   */
  static reloaded(
    old: ScriptCounter,
    rise: number,
    fall: number,
    initFail: boolean,
  ): { counter: ScriptCounter; carried?: 'ok' | 'failed' } {
    const next = new ScriptCounter(rise, fall, initFail);
    if (old.#initial) return { counter: next };
    const top = next.#rise + next.#fall - 1;
    if (old.#result < old.#rise) {
      next.#result = old.#result === 0 ? 0 : Math.max(0, next.#rise - (old.#rise - old.#result));
    } else if (old.#result === old.#rise + old.#fall - 1) {
      next.#result = top;
    } else {
      next.#result = Math.min(top, next.#rise + (old.#result - old.#rise));
    }
    next.#initial = false;
    return { counter: next, carried: next.ok ? 'ok' : 'failed' };
  }

  /** Whether the script currently counts as succeeding. */
  get ok(): boolean {
    return this.#result >= this.#rise;
  }

  /** Whether no result has been counted yet (keepalived keeps weight-0 instances in INIT then). */
  get initial(): boolean {
    return this.#initial;
  }

  /** The raw counter, for status output. */
  get result(): number {
    return this.#result;
  }

  /**
   * Counts one run. Returns `up` or `down` when keepalived would log `VRRP_Script(x) succeeded` /
   * `failed` and update priorities, else undefined.
   */
  record(success: boolean): 'up' | 'down' | undefined {
    const top = this.#rise + this.#fall - 1;
    let edge: 'up' | 'down' | undefined;
    if (success) {
      if (this.#result < this.#rise - 1) {
        this.#result++;
      } else if (this.#result !== top) {
        if (this.#result < this.#rise) edge = 'up';
        this.#result = top;
      }
    } else if (this.#result > this.#rise) {
      this.#result--;
    } else {
      if (this.#result === this.#rise || this.#initial) edge = 'down';
      this.#result = 0;
    }
    this.#initial = false;
    return edge;
  }
}
