/** Something the sweep can check for silence. */
export interface Idler {
  /** Set by the data path on every read or write; the sweep clears it. */
  active: boolean;
  /** Sweep bookkeeping: when the idler was first seen silent (ms, monotonic `performance.now()`). */
  silentSince: number;
  /** `proxy_timeout` of this idler, in ms. */
  readonly idleTimeoutMs: number;
  /** Called once the idler has been silent for at least its timeout. */
  onIdle(): void;
}

/** The sweep period for a timeout: a tenth of it, between 10 ms and 1 s. */
export function sweepPeriodMs(timeoutMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
}

/**
 * nginx's `proxy_timeout` ("between two successive read or write operations on client or upstream
 * connection") without a timer reset per chunk: the data path only sets `active = true`, and one
 * timer per listener walks the sessions every {@link sweepPeriodMs}, closing those silent for their
 * whole timeout. A session is closed between `timeout` and `timeout + period` after its last byte;
 * a per-socket `setTimeout` would instead re-arm a timer on every read and write, which showed up
 * in the stream proxy's profile. The timer runs only while sessions exist and never keeps the
 * process alive.
 */
export class IdleSweep {
  readonly #members = new Set<Idler>();
  #timer: NodeJS.Timeout | undefined;
  #periodMs = 1000;

  /** Starts watching `idler` (silent from now if no byte moves). */
  add(idler: Idler): void {
    idler.active = false;
    idler.silentSince = performance.now();
    this.#members.add(idler);
    const period = sweepPeriodMs(idler.idleTimeoutMs);
    if (this.#timer === undefined || period < this.#periodMs) {
      this.#periodMs = period;
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#timer = setInterval(() => {
        this.#sweep();
      }, period);
      this.#timer.unref();
    }
  }

  /** Stops watching `idler`. */
  delete(idler: Idler): void {
    this.#members.delete(idler);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Sessions watched now. */
  get size(): number {
    return this.#members.size;
  }

  #sweep(): void {
    const now = performance.now();
    const expired: Idler[] = [];
    for (const m of this.#members) {
      if (m.active) {
        m.active = false;
        m.silentSince = now;
      } else if (now - m.silentSince >= m.idleTimeoutMs) {
        expired.push(m);
      }
    }
    // Closing outside the walk: onIdle removes members from the set.
    for (const m of expired) {
      this.#members.delete(m);
      m.onIdle();
    }
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
