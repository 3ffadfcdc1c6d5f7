import type { FamilyValue } from './computed-family.js';

/** Latency buckets from 1 ms to 10 s: a proxy's useful range, few enough to keep observation cheap. */
export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A histogram kept as plain counts: `observe` is a short loop and two additions, no allocation. */
export class DurationHistogram {
  /** Non-cumulative counts per bucket, plus one for +Inf. */
  readonly #counts = new Float64Array(DURATION_BUCKETS.length + 1);
  #sum = 0;
  #count = 0;

  observe(seconds: number): void {
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] ?? Infinity)) i++;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#sum += seconds;
    this.#count++;
  }

  /** The `_bucket` (cumulative, with `le`), `_sum` and `_count` samples of this histogram. */
  samples(name: string, labels: Readonly<Record<string, string>>, out: FamilyValue[]): void {
    let acc = 0;
    for (let i = 0; i <= DURATION_BUCKETS.length; i++) {
      acc += this.#counts[i] ?? 0;
      const le = i < DURATION_BUCKETS.length ? String(DURATION_BUCKETS[i]) : '+Inf';
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: acc });
    }
    out.push({ metricName: `${name}_sum`, labels, value: this.#sum });
    out.push({ metricName: `${name}_count`, labels, value: this.#count });
  }
}
