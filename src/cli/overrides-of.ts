import { hostname } from 'node:os';
import { readTokenFile, type ConfigOverrides } from '../config/adapt/tandem/overrides.js';
import { parseHostPort } from '../config/adapt/tandem/host-port.js';
import type { DumpConfig } from '../config/model/tandem.js';
import type { CliOptions } from './args.js';
import { checkFileFlag, FlagValueError } from './setting-flags.js';

const DEFAULT_KEEPALIVED = '/etc/keepalived/keepalived.conf';

function dumpsOf(cli: CliOptions): DumpConfig | undefined {
  const dumps: { -readonly [K in keyof DumpConfig]: string } = {};
  if (cli.dumpData !== undefined) dumps.data = checkFileFlag('--dump-data', cli.dumpData, 'writable-later');
  if (cli.dumpStats !== undefined)
    dumps.stats = checkFileFlag('--dump-stats', cli.dumpStats, 'writable-later');
  if (cli.dumpJson !== undefined) dumps.json = checkFileFlag('--dump-json', cli.dumpJson, 'writable-later');
  return Object.keys(dumps).length === 0 ? undefined : dumps;
}

function tokenFileOf(cli: CliOptions): string | undefined {
  if (cli.adminTokenFile === undefined) return undefined;
  const file = checkFileFlag('--admin-token-file', cli.adminTokenFile, 'readable');
  // Read now too, so an empty or unreadable file exits 2 here; reloads read it again.
  const r = readTokenFile(file);
  if ('problem' in r) throw new FlagValueError(`--admin-token-file: ${r.problem}`);
  return file;
}

/**
 * The settings the command line gives, checked: a bad address, an unreadable token file or a dump
 * path in a missing directory throws {@link FlagValueError} (the CLI exits 2 with its message).
 */
export function overridesOf(cli: CliOptions): ConfigOverrides {
  let admin: ConfigOverrides['admin'];
  if (cli.admin !== undefined) {
    const hp = parseHostPort(cli.admin);
    if (typeof hp === 'string') throw new FlagValueError(`--admin: ${hp}`);
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
    adminToken: cli.adminToken,
    adminTokenFile: tokenFileOf(cli),
    metrics: cli.metrics,
    dumps: dumpsOf(cli),
    plugins: cli.plugins,
    logFormat: cli.logFormat,
    logLevel: cli.logLevel,
    vrrpOnly: cli.vrrpOnly ? true : undefined,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}
