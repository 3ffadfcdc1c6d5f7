#!/usr/bin/env node
import { canonicalJson } from '../config/dump.js';
import { loadConfig, type ConfigOverrides } from '../config/load.js';
import '../config/readers.js';
import { builtinPlugins } from '../../plugins/index.js';
import { formatDiagnostic, hasErrors } from '../core/diagnostic.js';
import { loadPlugins } from '../core/plugin-setup.js';
import { messageOf } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { parseCli, usage, type CliOptions } from './args.js';
import { runDemo } from './demo.js';
import { overridesOf } from './overrides-of.js';
import { FlagValueError } from './setting-flags.js';
import { startDaemon } from './daemon.js';
import { installSignalHandlers } from './signals.js';
import { tandemVersion } from './version.js';

async function main(argv: readonly string[]): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (err) {
    // A bad value is one line; an unknown flag or a missing value also shows the usage.
    process.stderr.write(`tandem: ${messageOf(err)}\n${err instanceof FlagValueError ? '' : `\n${usage}`}`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (cli.version) {
    process.stdout.write(`Tandem v${tandemVersion}\n`);
    return 0;
  }
  if (cli.demo) return runDemo(cli);
  let overrides: ConfigOverrides;
  try {
    overrides = overridesOf(cli);
  } catch (err) {
    if (!(err instanceof FlagValueError)) throw err;
    process.stderr.write(`tandem: ${err.message}\n`);
    return 2;
  }
  if (cli.adminToken !== undefined)
    // mysql's warning for `-pPASSWORD`, for the same reason.
    process.stderr.write(
      'tandem: warning: --admin-token shows the token to every local user (ps, /proc/PID/cmdline); ' +
        'use --admin-token-file\n',
    );
  const loaded = loadConfig(overrides);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  // User plugins load before anything runs, so `-t` also checks them and the directives they own.
  const plugins = loaded.model === undefined ? undefined : await loadPlugins(loaded.model, builtinPlugins);
  for (const d of plugins?.diagnostics ?? []) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const pluginErrors = hasErrors(plugins?.diagnostics ?? []);
  if (cli.configTest) return pluginErrors ? Math.max(loaded.testExitCode, 1) : loaded.testExitCode;
  if (cli.dumpConf) {
    if (loaded.model === undefined) return loaded.testExitCode;
    process.stdout.write(canonicalJson(loaded.model, { showSecrets: cli.showSecrets }));
    return 0;
  }
  if (loaded.model === undefined || plugins === undefined || pluginErrors) {
    process.stderr.write('tandem: not starting: the configuration has errors (see above)\n');
    return 1;
  }
  const log = createLogger({ format: loaded.model.tandem.log.format, level: loaded.model.tandem.log.level });
  log.info(`Starting Tandem v${tandemVersion}`);
  const daemon = await startDaemon(loaded.model, overrides, log, plugins.registry);
  return installSignalHandlers(daemon, log);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Nothing a user types may produce a stack trace: print the message; TANDEM_DEBUG shows more.
    process.stderr.write(`tandem: ${messageOf(err)}\n`);
    if (process.env.TANDEM_DEBUG !== undefined && err instanceof Error)
      process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = 1;
  },
);
