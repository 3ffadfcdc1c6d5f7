import type { TrackerDirectory } from './plugin.js';
import type { Signal, TrackerState } from './signal.js';

/** The kernel's shared directory of named tracker signals (trackers publish, VRRP subscribes). */
export class MapTrackerDirectory implements TrackerDirectory {
  readonly #byKind = new Map<string, Map<string, Signal<TrackerState>>>();

  publish(kind: string, name: string, signal: Signal<TrackerState>): void {
    let m = this.#byKind.get(kind);
    if (m === undefined) {
      m = new Map();
      this.#byKind.set(kind, m);
    }
    m.set(name, signal);
  }

  get(kind: string, name: string): Signal<TrackerState> | undefined {
    return this.#byKind.get(kind)?.get(name);
  }

  list(kind: string): ReadonlyMap<string, Signal<TrackerState>> {
    return this.#byKind.get(kind) ?? new Map();
  }
}
