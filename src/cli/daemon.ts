import { rmSync, writeFileSync } from 'node:fs';
import { builtinPlugins } from '../../plugins/index.js';
import { loadConfig, type ConfigOverrides } from '../config/load.js';
import type { Model } from '../config/model/index.js';
import { SystemClock } from '../core/clock.js';
import { formatDiagnostic, hasErrors } from '../core/diagnostic.js';
import { TandemError, messageOf } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import { Kernel } from '../core/kernel.js';
import type { Logger } from '../core/logger.js';
import { checkPluginConfig, loadPlugins } from '../core/plugin-setup.js';
import type { PluginRegistry } from '../core/registry.js';

/** A running daemon, for the CLI and integration tests. */
export interface Daemon {
  readonly kernel: Kernel;
  readonly bus: EventBus;
  /** Re-reads the configuration; a bad one is logged with locations and the running one kept. */
  reload(): Promise<boolean>;
  stop(reason: string): Promise<void>;
}

/**
 * Registers built-in then user plugins and checks the configuration against them; any error (a
 * plugin that does not load, a directive no plugin owns) is thrown as one message of located lines.
 * The CLI calls {@link loadPlugins} itself first to print them as diagnostics.
 */
export async function buildRegistry(model: Model): Promise<PluginRegistry> {
  const setup = await loadPlugins(model, builtinPlugins);
  const errors = setup.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new TandemError('TANDEM_ERR_PLUGIN_LOAD', errors.map((d) => formatDiagnostic(d)).join('\n'));
  return setup.registry;
}

/**
 * Starts the kernel on a loaded model, writes the pid file after every socket is bound, and
 * wires reload. Signals are the CLI's business (src/cli/signals.ts).
 */
export async function startDaemon(
  model: Model,
  overrides: ConfigOverrides,
  log: Logger,
  loaded?: PluginRegistry,
): Promise<Daemon> {
  const bus = new EventBus(log);
  const registry = loaded ?? (await buildRegistry(model));
  const kernel = new Kernel({ registry, log, bus, clock: new SystemClock(), random: Math.random });
  await kernel.start(model);
  const pidFile = model.tandem.pidFile;
  if (pidFile !== undefined) writeFileSync(pidFile, `${process.pid}\n`);
  let reloading = false;
  return {
    kernel,
    bus,
    async reload(): Promise<boolean> {
      if (reloading) {
        log.warn('reload already in progress; ignoring this one');
        return false;
      }
      reloading = true;
      try {
        log.info('Reloading');
        const next = loadConfig(overrides);
        for (const d of next.diagnostics) {
          if (d.severity === 'error') log.error(formatDiagnostic(d));
          else log.warn(formatDiagnostic(d));
        }
        // Plugins are loaded once per process: the new config is checked against the loaded ones.
        const pluginProblems = next.model === undefined ? [] : checkPluginConfig(next.model, registry);
        for (const d of pluginProblems) {
          if (d.severity === 'error') log.error(formatDiagnostic(d));
          else log.warn(formatDiagnostic(d));
        }
        if (
          next.model !== undefined &&
          next.model.tandem.plugins.join('\n') !== model.tandem.plugins.join('\n')
        )
          log.warn('the plugin list changed; plugins are loaded at start only: restart Tandem to apply it');
        if (next.model === undefined || hasErrors(pluginProblems)) {
          log.error('configuration has errors; keeping the running configuration');
          bus.emit('config.reloaded', { ok: false, errors: next.diagnostics.length + pluginProblems.length });
          return false;
        }
        await kernel.reload(next.model);
        bus.emit('config.reloaded', { ok: true, errors: 0 });
        log.info('Reload finished');
        return true;
      } catch (err) {
        log.error(`reload failed: ${messageOf(err)}; keeping the running configuration`);
        bus.emit('config.reloaded', { ok: false, errors: 1 });
        return false;
      } finally {
        reloading = false;
      }
    },
    async stop(reason: string): Promise<void> {
      await kernel.stop(reason);
      if (pidFile !== undefined) rmSync(pidFile, { force: true });
    },
  };
}
