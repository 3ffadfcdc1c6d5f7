import { rmSync, writeFileSync } from 'node:fs';
import { builtinPlugins } from '../../plugins/index.js';
import { loadConfig, type ConfigOverrides } from '../config/load.js';
import type { Model } from '../config/model/index.js';
import { SystemClock } from '../core/clock.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { messageOf } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import { Kernel } from '../core/kernel.js';
import type { Logger } from '../core/logger.js';
import { loadPluginModule } from '../core/plugin-loader.js';
import { PluginRegistry } from '../core/registry.js';

/** A running daemon, for the CLI and integration tests. */
export interface Daemon {
  readonly kernel: Kernel;
  readonly bus: EventBus;
  /** Re-reads the configuration; a bad one is logged with locations and the running one kept. */
  reload(): Promise<boolean>;
  stop(reason: string): Promise<void>;
}

/** Registers built-in then user plugins; the registry refuses bad ones with coded errors. */
export async function buildRegistry(model: Model): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  for (const p of builtinPlugins) registry.register(p);
  for (const path of model.tandem.plugins) for (const p of await loadPluginModule(path)) registry.register(p);
  return registry;
}

/**
 * Starts the kernel on a loaded model, writes the pid file after every socket is bound, and
 * wires reload. Signals are the CLI's business (src/cli/signals.ts).
 */
export async function startDaemon(model: Model, overrides: ConfigOverrides, log: Logger): Promise<Daemon> {
  const bus = new EventBus(log);
  const registry = await buildRegistry(model);
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
        if (next.model === undefined) {
          log.error('configuration has errors; keeping the running configuration');
          bus.emit('config.reloaded', { ok: false, errors: next.diagnostics.length });
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
