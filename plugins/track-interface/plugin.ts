import {
  HOST_API_VERSION,
  definePlugin,
  publishTracker,
  type Model,
  type PluginContext,
  type Service,
  type ServicePlugin,
} from '../../src/index.js';
import { InterfaceTracker } from './interface-tracker.js';
import { monitorLinkSource, type LinkSource } from './link-source.js';
import type { InterfaceTrackerConfig } from './params.js';

/** The running `tracker.interface` service. */
class InterfaceTrackerService implements Service<InterfaceTrackerConfig> {
  readonly #ctx: PluginContext;
  readonly #config: InterfaceTrackerConfig;
  readonly #trackers = new Map<string, InterfaceTracker>();
  readonly #unsubscribe: (() => void)[] = [];
  #ownSource: LinkSource | undefined;

  constructor(ctx: PluginContext, config: InterfaceTrackerConfig) {
    this.#ctx = ctx;
    this.#config = config;
  }

  /** The tracked interfaces, by name. */
  get trackers(): ReadonlyMap<string, InterfaceTracker> {
    return this.#trackers;
  }

  async init(): Promise<void> {
    if (this.#config.interfaces.length === 0) return;
    let source = this.#config.linkSource;
    const own = source === undefined;
    if (source === undefined) {
      source = await monitorLinkSource({ log: this.#ctx.log });
      this.#ownSource = source;
    }
    await source.ready?.();
    for (const p of this.#config.interfaces) {
      if (this.#trackers.has(p.name)) continue;
      // keepalived refuses to track an interface that does not exist (`tracked interface X doesn't exist`).
      if (source.get(p.name) === undefined) {
        this.#ctx.log.warn(`tracked interface ${p.name} doesn't exist`);
        continue;
      }
      // The shared monitor already logs keepalived's `Netlink reports` lines.
      const logNetlink = this.#config.logNetlink ?? !own;
      const tracker = new InterfaceTracker(p, source, this.#ctx.clock, this.#ctx.log, logNetlink);
      this.#trackers.set(p.name, tracker);
      this.#unsubscribe.push(publishTracker(this.#ctx, 'interface', p.name, tracker.signal));
    }
  }

  start(): void {
    for (const t of this.#trackers.values()) t.start();
  }

  /** Declines: the kernel replaces the service. */
  reload(): boolean {
    return false;
  }

  stop(): void {
    for (const t of this.#trackers.values()) t.stop();
    for (const u of this.#unsubscribe.splice(0)) u();
    this.#ownSource?.close?.();
    this.#ownSource = undefined;
  }
}

/**
 * Builds the `tracker.interface` plugin (keepalived's `track_interface`); `select` maps the model
 * onto {@link InterfaceTrackerConfig}. Each interface's signal is published as kind `interface`.
 */
export function createInterfaceTrackerPlugin(
  select: (model: Model) => InterfaceTrackerConfig | undefined,
): ServicePlugin<InterfaceTrackerConfig> {
  return definePlugin<ServicePlugin<InterfaceTrackerConfig>>({
    id: 'tracker.interface',
    kind: 'tracker',
    version: '1.0.0',
    api: `^${HOST_API_VERSION}`,
    select,
    create: (ctx, config) => new InterfaceTrackerService(ctx, config),
  });
}

export { InterfaceTrackerService };
