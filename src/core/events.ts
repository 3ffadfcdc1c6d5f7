import type { Logger } from './logger.js';
import type { TrackerState } from './signal.js';
import { messageOf } from './errors.js';

/**
 * The observations carried on the bus (design.md §2), keyed by `domain.snake_case_past`. Plugins add
 * their own events by declaration merging: `declare module 'tandem' { interface EventMap { ... } }`.
 */

export interface EventMap {
  'config.reloaded': { readonly ok: boolean; readonly errors: number };
  /** A VRRP instance entered a state (keepalived's `Entering X STATE`). */
  'vrrp.state_changed': {
    readonly instance: string;
    readonly from: string;
    readonly to: string;
    readonly priority: number;
  };
  /**
   * A MASTER's virtual addresses are on its interfaces now (after `ip addr add`, before the
   * gratuitous ARP): listeners that follow the instance bind on it.
   */
  'vrrp.vips_added': { readonly instance: string };
  /** An instance's virtual addresses were removed (it left MASTER, or stopped): listeners on them close. */
  'vrrp.vips_removed': { readonly instance: string };
  /** A tracker's published state changed (an edge): kind `script`, `interface`, `file`, `process`. */
  'tracker.changed': { readonly kind: string; readonly name: string; readonly state: TrackerState };
}

/** A bus listener; it may observe but never change control flow. */
export type EventListener<T> = (payload: T) => void;

/**
 * A typed publish/subscribe bus for observers: metrics, logs, notify scripts, the dashboard, user
 * plugins. A listener that throws is logged and isolated; the emitter and other listeners carry on.
 */
export class EventBus<M extends object = EventMap> {
  readonly #listeners = new Map<keyof M, Set<EventListener<never>>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  on<K extends keyof M>(event: K, listener: EventListener<M[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as EventListener<M[K]>)(payload);
      } catch (err) {
        this.#log.error(`bus listener for ${String(event)} threw: ${messageOf(err)}`, {
          event: String(event),
        });
      }
    }
  }

  /** Whether anything listens to `event`, so emitters can skip building a payload. */
  has<K extends keyof M>(event: K): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }
}
