import type { Model } from '../config/model/index.js';
import type { UpstreamParams } from '../proxy/upstream/params.js';
import type { Strategy } from '../proxy/upstream/strategy.js';
import type { Clock, Random } from './clock.js';
import type { Diagnostic } from './diagnostic.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { Signal, TrackerState } from './signal.js';

/** The host API version plugins are checked against at registration (semver). */
export const HOST_API_VERSION = '1.0.0';

/** The three kinds of plugin (design.md §2). */
export type PluginKind = 'service' | 'strategy' | 'tracker';

/** What every plugin declares, checked at registration (fastify's plugin metadata). */
export interface PluginMeta {
  /** Lowercase dotted id spelled like the directive: `vrrp`, `balancer.least_conn`, `tracker.script`. */
  readonly id: string;
  readonly version: string;
  /** The host API range the plugin works with, e.g. `^1.0.0`. */
  readonly api: string;
  /** Ids of plugins that must be registered too; they are started first. */
  readonly requires?: readonly string[];
  /** Directives this plugin owns (their meaning is its business; nobody else may claim them). */
  readonly directives?: readonly string[];
  /**
   * Validates the plugin's slice of a configuration (its own tandem.conf directives, the upstreams
   * or instances it is chosen for) before anything starts, on `-t`, at start and on every reload.
   * Errors refuse the configuration; return located diagnostics (`configError(code, msg, loc)`).
   */
  check?(model: Model): readonly Diagnostic[];
}

/**
 * A running piece of the daemon. `create` (on the plugin) has no side effects; `init` builds runtime
 * objects; `start` binds sockets and starts timers; `reload` applies a new slice in place (true) or
 * declines (false: the kernel starts a replacement, then stops this one); `stop` runs in reverse
 * start order with a deadline.
 */
export interface Service<C = unknown> {
  init?(): Promise<void> | void;
  start?(): Promise<void> | void;
  reload?(next: C): Promise<boolean> | boolean;
  /**
   * The first phase of a graceful stop, run on every service in reverse start order before any
   * `stop`: stop
   * reusing client connections, hand the VIPs over, while everything still serves. Resolves when
   * the service is ready to be stopped; `signal` aborts at the stop deadline.
   */
  drain?(signal: AbortSignal): Promise<void> | void;
  stop?(signal: AbortSignal): Promise<void> | void;
}

/** Named tracker signals shared between trackers (publishers) and VRRP (subscriber). */
export interface TrackerDirectory {
  /** Publishes a tracker under `kind` (`script`, `interface`, `file`, `process`) and name. */
  publish(kind: string, name: string, signal: Signal<TrackerState>): void;
  /** Finds a published tracker. */
  get(kind: string, name: string): Signal<TrackerState> | undefined;
  /** Every published tracker of a kind. */
  list(kind: string): ReadonlyMap<string, Signal<TrackerState>>;
}

/** What the kernel hands every plugin instance. */
export interface PluginContext {
  readonly log: Logger;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly random: Random;
  readonly trackers: TrackerDirectory;
  /** A running service by plugin id, for plugins that `require` it. */
  service<T extends Service>(id: string): T | undefined;
  /** A registered strategy plugin by balancing method (`round_robin`, `least_conn`, ...). */
  strategy(method: string): StrategyPlugin | undefined;
}

/** A plugin with a lifecycle: vrrp, proxy, admin, user services and bus listeners. */
export interface ServicePlugin<C = unknown> extends PluginMeta {
  readonly kind: 'service' | 'tracker';
  /** The slice of the model this plugin runs from; undefined means nothing to run for this config. */
  select(model: Model): C | undefined;
  create(ctx: PluginContext, config: C): Service<C>;
}

/** What a strategy instance may use: injected so tests drive it with a VirtualClock and a seeded Random. */
export interface StrategyDeps {
  readonly random: Random;
  readonly clock: Clock;
}

/** A balancing strategy: picks a peer for a request; its own per-upstream state only. */
export interface StrategyPlugin extends PluginMeta {
  readonly kind: 'strategy';
  /** The nginx method name this strategy implements: `round_robin`, `ip_hash`, `hash`, ... */
  readonly method: string;
  /**
   * Whether `server ... backup` is allowed with this method. nginx accepts it for round robin and
   * least_conn only (`balancing method does not support parameter "backup"`).
   */
  readonly backup: boolean;
  /** Builds the strategy for one upstream (config-time work such as the consistent-hash ring). */
  create(upstream: UpstreamParams, deps: StrategyDeps): Strategy;
}

/** Any plugin. */
export type Plugin = ServicePlugin | StrategyPlugin;

/** Identity helper that type-checks a plugin definition (Go's interface guard, in TypeScript). */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
