import type { Metric, Registry } from 'prom-client';

/** One exported sample: prom-client's value shape (`metricName` for histogram `_bucket`/`_sum`/`_count`). */
export interface FamilyValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName?: string;
}

/**
 * A metric family whose samples are computed at scrape time from plain numbers the data path keeps.
 * prom-client 15's `labels()` children re-hash their label object on every `inc()`
 * (`lib/counter.js` binds `inc` to the labels), so the hot path increments fields on cached handles
 * instead and this object turns them into samples only when Prometheus scrapes.
 */
class ComputedFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly #values: () => FamilyValue[];

  constructor(name: string, help: string, type: ComputedFamily['type'], values: () => FamilyValue[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#values = values;
  }

  get(): { name: string; help: string; type: string; values: FamilyValue[]; aggregator: 'sum' } {
    return { name: this.name, help: this.help, type: this.type, values: this.#values(), aggregator: 'sum' };
  }

  reset(): void {
    // Values live in the handles; nothing to reset here.
  }
}

/** Registers a computed family; `values` runs once per scrape. */
export function registerComputed(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  values: () => FamilyValue[],
): void {
  // The registry only calls name/help/type/get() on what it holds (prom-client `lib/registry.js`).
  registry.registerMetric(new ComputedFamily(name, help, type, values) as unknown as Metric);
}
