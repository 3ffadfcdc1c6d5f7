import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  // Said plainly: Node's own message names the loader's file as the importer.
  if (!existsSync(full))
    throw new TandemError('TANDEM_ERR_PLUGIN_LOAD', `cannot load plugin "${full}": no such file`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(full).href)) as { default?: unknown };
  } catch (err) {
    const where = err instanceof SyntaxError ? syntaxErrorLine(full) : undefined;
    const detail = where === undefined ? messageOf(err) : `${where}: ${messageOf(err)}`;
    throw new TandemError('TANDEM_ERR_PLUGIN_LOAD', `cannot load plugin "${full}": ${detail}`, {
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

/**
 * Where a plugin's syntax error is (`file:line`): an ESM import's SyntaxError carries no location, so
 * ask `node --check`, whose first stderr line names it. Only run on that failure path.
 */
function syntaxErrorLine(full: string): string | undefined {
  const r = spawnSync(process.execPath, ['--check', full], { encoding: 'utf8', timeout: 5_000 });
  const first = r.stderr.split('\n', 1)[0] ?? '';
  return /:\d+$/.test(first) ? first : undefined;
}
