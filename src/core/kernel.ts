import { isDeepStrictEqual } from 'node:util';
import type { Model } from '../config/model/index.js';
import type { Clock, Random } from './clock.js';
import { messageOf } from './errors.js';
import type { EventBus } from './events.js';
import { runHook } from './hook.js';
import type { Logger } from './logger.js';
import type { PluginContext, Service, ServicePlugin } from './plugin.js';
import type { PluginRegistry } from './registry.js';
import { MapTrackerDirectory } from './tracker-directory.js';

/** What the kernel needs from its host. */
export interface KernelOptions {
  readonly registry: PluginRegistry;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly random: Random;
  /** Deadline for each init/start/reload hook. */
  readonly hookTimeoutMs?: number;
  /** Deadline for each stop hook. */
  readonly stopTimeoutMs?: number;
}

interface Running {
  readonly plugin: ServicePlugin;
  readonly service: Service;
  readonly config: unknown;
}

/** What a reload did to each plugin, for logs and tests. */
export type ReloadAction = 'unchanged' | 'reloaded' | 'replaced' | 'started' | 'stopped';

/**
 * Runs the service and tracker plugins through their lifecycle: create (no side effects) → init
 * all → start all, in dependency order; stop in reverse start order. A failed start stops what
 * already started, last first, and reports the plugin id (caddy's `run`). A reload gives each
 * plugin its new slice: unchanged slices are left alone, `reload(next)` applies in place or
 * declines, and a declining plugin is replaced (the new instance starts, then the old one stops).
 */
export class Kernel {
  readonly #o: KernelOptions;
  readonly #trackers = new MapTrackerDirectory();
  #running: Running[] = [];

  constructor(options: KernelOptions) {
    this.#o = options;
  }

  get #hookMs(): number {
    return this.#o.hookTimeoutMs ?? 10_000;
  }

  /** Running services in start order (for status and tests). */
  get running(): readonly { readonly id: string; readonly service: Service }[] {
    return this.#running.map((r) => ({ id: r.plugin.id, service: r.service }));
  }

  #context(plugin: ServicePlugin): PluginContext {
    return {
      log: this.#o.log.child({ plugin: plugin.id }),
      bus: this.#o.bus,
      clock: this.#o.clock,
      random: this.#o.random,
      trackers: this.#trackers,
      service: <T extends Service>(id: string) =>
        this.#running.find((r) => r.plugin.id === id)?.service as T | undefined,
      strategy: (method: string) => this.#o.registry.strategy(method),
    };
  }

  /** Creates, initialises and starts every plugin that has something to run in `model`. */
  async start(model: Model): Promise<void> {
    const created: Running[] = [];
    for (const plugin of this.#o.registry.services()) {
      const config = plugin.select(model);
      if (config === undefined) continue;
      created.push({ plugin, service: plugin.create(this.#context(plugin), config), config });
    }
    // Services are visible to each other (ctx.service) from init on.
    this.#running = created;
    const started: Running[] = [];
    try {
      for (const r of created) await runHook(r.plugin.id, 'init', this.#hookMs, () => r.service.init?.());
      for (const r of created) {
        await runHook(r.plugin.id, 'start', this.#hookMs, () => r.service.start?.());
        started.push(r);
      }
    } catch (err) {
      this.#o.log.error(`start failed: ${messageOf(err)}; stopping what already started`);
      await this.#stopAll(started, 'rollback');
      this.#running = [];
      throw err;
    }
  }

  /**
   * Applies a new model. Throws (after undoing what it started) when a new or replacement instance
   * fails to start; instances already reloaded in place keep their new slice.
   */
  async reload(model: Model): Promise<Map<string, ReloadAction>> {
    const actions = new Map<string, ReloadAction>();
    const next: Running[] = [];
    const fresh: Running[] = [];
    const retire: Running[] = [];
    try {
      for (const plugin of this.#o.registry.services()) {
        const config = plugin.select(model);
        const current = this.#running.find((r) => r.plugin.id === plugin.id);
        if (current === undefined && config === undefined) continue;
        if (current !== undefined && config === undefined) {
          retire.push(current);
          actions.set(plugin.id, 'stopped');
          continue;
        }
        if (current !== undefined && isDeepStrictEqual(current.config, config)) {
          next.push(current);
          actions.set(plugin.id, 'unchanged');
          continue;
        }
        if (current !== undefined) {
          const outcome = { applied: false };
          const svc = current.service;
          if (svc.reload !== undefined) {
            await runHook(plugin.id, 'reload', this.#hookMs, async () => {
              outcome.applied = (await svc.reload?.(config)) ?? false;
            });
          }
          if (outcome.applied) {
            next.push({ ...current, config });
            actions.set(plugin.id, 'reloaded');
            continue;
          }
          retire.push(current);
        }
        const r: Running = { plugin, service: plugin.create(this.#context(plugin), config), config };
        await runHook(plugin.id, 'init', this.#hookMs, () => r.service.init?.());
        await runHook(plugin.id, 'start', this.#hookMs, () => r.service.start?.());
        fresh.push(r);
        next.push(r);
        actions.set(plugin.id, current === undefined ? 'started' : 'replaced');
      }
    } catch (err) {
      await this.#stopAll(fresh, 'rollback');
      throw err;
    }
    this.#running = next;
    await this.#stopAll(retire, 'reload');
    return actions;
  }

  /** Stops every running service in reverse start order, each within its deadline. */
  async stop(reason = 'shutdown'): Promise<void> {
    const all = this.#running;
    // Drain first, in reverse start order like the stop, while every service still runs: the proxy
    // stops reusing connections, then VRRP hands the VIPs over, before any listener closes
    // (docs/vrrp-linux.md "Graceful handover").
    const ms = this.#o.stopTimeoutMs ?? 10_000;
    for (const r of [...all].reverse()) {
      if (r.service.drain === undefined) continue;
      try {
        await runHook(r.plugin.id, `drain (${reason})`, ms, (signal) => r.service.drain?.(signal));
      } catch (err) {
        this.#o.log.error(messageOf(err));
      }
    }
    this.#running = [];
    await this.#stopAll(all, reason);
  }

  async #stopAll(list: readonly Running[], reason: string): Promise<void> {
    const ms = this.#o.stopTimeoutMs ?? 10_000;
    for (const r of [...list].reverse()) {
      try {
        await runHook(r.plugin.id, `stop (${reason})`, ms, (signal) => r.service.stop?.(signal));
      } catch (err) {
        // One plugin failing to stop must not keep the others running.
        this.#o.log.error(messageOf(err));
      }
    }
  }
}
