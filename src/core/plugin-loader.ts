import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TandemError, messageOf } from './errors.js';
import type { Plugin } from './plugin.js';

function isPluginLike(v: unknown): v is Plugin {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string';
}

/**
 * Loads a user plugin module from a path (`--plugin` or tandem.conf `plugin`). The module's default
 * export is one plugin or an array of plugins; the registry then checks each one's metadata.
 */
export async function loadPluginModule(path: string): Promise<Plugin[]> {
  const full = resolve(path);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
  } catch (err) {
    throw new TandemError('TANDEM_ERR_PLUGIN_LOAD', `cannot load plugin "${full}": ${messageOf(err)}`, {
      cause: err,
    });
  }
  const exported = mod.default;
  const list = Array.isArray(exported) ? (exported as unknown[]) : [exported];
  if (list.length === 0 || !list.every(isPluginLike)) {
    throw new TandemError(
      'TANDEM_ERR_PLUGIN_LOAD',
      `plugin "${full}" must export default a plugin object (with an id) or an array of them`,
    );
  }
  return list;
}
