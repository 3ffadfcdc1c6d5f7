import type { Model } from '../config/model/index.js';
import { configError, type Diagnostic } from './diagnostic.js';
import { messageOf } from './errors.js';
import { loadPluginModule } from './plugin-loader.js';
import type { Plugin } from './plugin.js';
import { PluginRegistry } from './registry.js';

/** The registry with every plugin that loaded, and what went wrong (located where tandem.conf names it). */
export interface PluginSetup {
  readonly registry: PluginRegistry;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Registers the built-in plugins, then loads and registers each user plugin of `model.tandem.plugins`
 * in order (tandem.conf's, then `--plugin`'s). A file that is missing, throws while loading, exports
 * no plugin or fails a registration check becomes an error diagnostic at the tandem.conf `plugin`
 * line that named it (a `--plugin` path has no location), never a thrown stack trace.
 */
export async function loadPlugins(model: Model, builtins: readonly Plugin[]): Promise<PluginSetup> {
  const registry = new PluginRegistry();
  const out: Diagnostic[] = [];
  for (const p of builtins) registry.register(p);
  for (const path of model.tandem.plugins) {
    const loc = model.tandem.pluginLocs?.[path];
    const where = loc === undefined ? `--plugin ${path}: ` : '';
    try {
      for (const p of await loadPluginModule(path)) registry.register(p);
    } catch (err) {
      out.push(configError('TANDEM_PLUGIN_LOAD', `${where}${messageOf(err)}`, loc));
    }
  }
  return { registry, diagnostics: [...out, ...checkPluginConfig(model, registry)] };
}

/**
 * Checks a configuration against the registered plugins, before it runs (start, `-t`, reload):
 * every top-level tandem.conf directive Tandem does not own belongs to a plugin, every `balancer`
 * choice names a registered method (that accepts `backup` servers when the upstream has some), and
 * each plugin's own `check(model)` passes. A throwing `check` is reported, not propagated.
 */
export function checkPluginConfig(model: Model, registry: PluginRegistry): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of model.tandem.extensions ?? []) {
    if (registry.ownerOf(d.name) === undefined)
      out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${d.name}"`, d.loc));
  }
  const upstreams = [...(model.nginx?.http?.upstreams ?? []), ...(model.nginx?.stream?.upstreams ?? [])];
  for (const b of model.tandem.balancers ?? []) {
    const strategy = registry.strategy(b.method);
    if (strategy === undefined) {
      out.push(
        configError(
          'TANDEM_CONFIG_REFERENCE',
          `no loaded plugin provides balancing method "${b.method}"`,
          b.loc,
        ),
      );
      continue;
    }
    // nginx refuses `backup` under methods that cannot fall back (`balancing method does not support
    // parameter "backup"`); the plugin says whether it can.
    const withBackup = upstreams.some((u) => u.name === b.upstream && u.servers.some((s) => s.backup));
    if (withBackup && !strategy.backup)
      out.push(
        configError(
          'TANDEM_CONFIG_REFERENCE',
          `balancing method "${b.method}" does not support servers marked "backup" (upstream "${b.upstream}")`,
          b.loc,
        ),
      );
  }
  for (const id of registry.ids()) {
    const plugin = registry.get(id);
    if (plugin?.check === undefined) continue;
    try {
      out.push(...plugin.check(model));
    } catch (err) {
      out.push(configError('TANDEM_PLUGIN_CHECK', `plugin "${id}" check failed: ${messageOf(err)}`));
    }
  }
  return out;
}
