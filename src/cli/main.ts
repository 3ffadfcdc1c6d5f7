#!/usr/bin/env node
import { hostname } from 'node:os';
import { parseHostPort } from '../config/adapt/tandem/host-port.js';
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
import { startDaemon } from './daemon.js';
import { installSignalHandlers } from './signals.js';
import { tandemVersion } from './version.js';

const DEFAULT_KEEPALIVED = '/etc/keepalived/keepalived.conf';

function overridesOf(cli: CliOptions): ConfigOverrides | string {
  let admin: ConfigOverrides['admin'];
  if (cli.admin !== undefined) {
    const hp = parseHostPort(cli.admin);
    if (typeof hp === 'string') return `--admin: ${hp}`;
    admin = hp;
  }
  // keepalived's default file, when the operator names no file at all (keepalived `main.c`).
  const none =
    cli.keepalivedFile === undefined && cli.nginxFile === undefined && cli.tandemFile === undefined;
  const keepalivedFile = none ? DEFAULT_KEEPALIVED : cli.keepalivedFile;
  const entries: Partial<Record<keyof ConfigOverrides, unknown>> = {
    tandemFile: cli.tandemFile,
    keepalivedFile,
    nginxFile: cli.nginxFile,
    // keepalived's default config id is the host name up to the first dot (main.c).
    configId: cli.configId ?? hostname().split('.')[0],
    pidFile: cli.pidFile,
    admin,
    plugins: cli.plugins,
    logFormat: cli.logFormat,
    logLevel: cli.logDetail ? 'debug' : undefined,
    vrrpOnly: cli.vrrpOnly ? true : undefined,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

async function main(argv: readonly string[]): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (err) {
    process.stderr.write(`tandem: ${messageOf(err)}\n\n${usage}`);
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
  const overrides = overridesOf(cli);
  if (typeof overrides === 'string') {
    process.stderr.write(`tandem: ${overrides}\n`);
    return 2;
  }
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
