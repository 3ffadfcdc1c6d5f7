import semver from 'semver';
import { TandemError } from './errors.js';
import { HOST_API_VERSION, type Plugin, type ServicePlugin, type StrategyPlugin } from './plugin.js';

const ID_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

/**
 * Holds the registered plugins and refuses bad ones at registration, before anything runs
 * (fastify's `registerPlugin` metadata checks): a duplicate id, an invalid definition, a host API
 * range this Tandem does not satisfy, a requirement that is not registered yet, or a directive
 * another plugin already owns. Each refusal is a {@link TandemError} with its own code.
 */
export class PluginRegistry {
  readonly #plugins = new Map<string, Plugin>();
  readonly #directiveOwners = new Map<string, string>();
  readonly #strategies = new Map<string, StrategyPlugin>();
  readonly #hostVersion: string;

  constructor(hostVersion: string = HOST_API_VERSION) {
    this.#hostVersion = hostVersion;
  }

  /** Registers a plugin; its requirements must already be registered. */
  register(plugin: Plugin): void {
    const id = (plugin as Partial<Plugin>).id;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new TandemError(
        'TANDEM_ERR_PLUGIN_INVALID',
        `plugin id ${JSON.stringify(id)} is not a lowercase dotted name`,
      );
    }
    if (this.#plugins.has(id)) {
      throw new TandemError('TANDEM_ERR_PLUGIN_DUPLICATE', `plugin "${id}" is already registered`, {
        pluginId: id,
      });
    }
    this.#checkShape(plugin);
    if (semver.validRange(plugin.api) === null) {
      throw new TandemError(
        'TANDEM_ERR_PLUGIN_INVALID',
        `plugin "${id}" declares an invalid api range "${plugin.api}"`,
        {
          pluginId: id,
        },
      );
    }
    if (!semver.satisfies(this.#hostVersion, plugin.api)) {
      throw new TandemError(
        'TANDEM_ERR_PLUGIN_API_RANGE',
        `plugin "${id}" needs host API ${plugin.api}, but this Tandem provides ${this.#hostVersion}`,
        { pluginId: id },
      );
    }
    for (const need of plugin.requires ?? []) {
      if (!this.#plugins.has(need)) {
        throw new TandemError(
          'TANDEM_ERR_PLUGIN_MISSING_REQUIREMENT',
          `plugin "${id}" requires "${need}", which is not registered`,
          {
            pluginId: id,
          },
        );
      }
    }
    for (const name of plugin.directives ?? []) {
      const owner = this.#directiveOwners.get(name);
      if (owner !== undefined) {
        throw new TandemError(
          'TANDEM_ERR_PLUGIN_DIRECTIVE_CLAIMED',
          `plugin "${id}" claims directive "${name}", already owned by "${owner}"`,
          {
            pluginId: id,
          },
        );
      }
    }
    if (plugin.kind === 'strategy') {
      const taken = this.#strategies.get(plugin.method);
      if (taken !== undefined) {
        throw new TandemError(
          'TANDEM_ERR_PLUGIN_DUPLICATE',
          `plugin "${id}" implements balancing method "${plugin.method}", already provided by "${taken.id}"`,
          {
            pluginId: id,
          },
        );
      }
      this.#strategies.set(plugin.method, plugin);
    }
    for (const name of plugin.directives ?? []) this.#directiveOwners.set(name, id);
    this.#plugins.set(id, plugin);
  }

  #checkShape(plugin: Plugin): void {
    const kind = (plugin as { kind?: unknown }).kind;
    const ok =
      typeof plugin.version === 'string' &&
      semver.valid(plugin.version) !== null &&
      typeof plugin.api === 'string' &&
      (kind === 'strategy'
        ? typeof (plugin as StrategyPlugin).method === 'string'
        : (kind === 'service' || kind === 'tracker') &&
          typeof (plugin as ServicePlugin).select === 'function' &&
          typeof (plugin as ServicePlugin).create === 'function');
    if (!ok) {
      throw new TandemError(
        'TANDEM_ERR_PLUGIN_INVALID',
        `plugin "${plugin.id}" must have a semver version, an api range, a kind, and select/create (services, trackers) or method (strategies)`,
        { pluginId: plugin.id },
      );
    }
  }

  /** A registered plugin by id. */
  get(id: string): Plugin | undefined {
    return this.#plugins.get(id);
  }

  /** The strategy plugin for an nginx balancing method. */
  strategy(method: string): StrategyPlugin | undefined {
    return this.#strategies.get(method);
  }

  /** The plugin that owns a directive. */
  ownerOf(directive: string): string | undefined {
    return this.#directiveOwners.get(directive);
  }

  /**
   * Service and tracker plugins in start order: requirements first (guaranteed by registration
   * order), trackers before services otherwise, so VRRP finds its trackers' signals at init.
   */
  services(): ServicePlugin[] {
    const all = [...this.#plugins.values()].filter((p): p is ServicePlugin => p.kind !== 'strategy');
    const seeds = [...all.filter((p) => p.kind === 'tracker'), ...all.filter((p) => p.kind === 'service')];
    const out: ServicePlugin[] = [];
    const placed = new Set<string>();
    const place = (p: ServicePlugin): void => {
      if (placed.has(p.id)) return;
      placed.add(p.id);
      for (const need of p.requires ?? []) {
        const dep = this.#plugins.get(need);
        if (dep !== undefined && dep.kind !== 'strategy') place(dep);
      }
      out.push(p);
    };
    seeds.forEach(place);
    return out;
  }

  /** Every registered plugin id, in registration order. */
  ids(): string[] {
    return [...this.#plugins.keys()];
  }
}
