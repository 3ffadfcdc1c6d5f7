import { parseArgs } from 'node:util';
import type { MetricsConfig } from '../config/model/tandem.js';
import { FlagValueError, parseLogLevel, parseMetricsList } from './setting-flags.js';

/** The command line, after parsing. Every tandem.conf setting has a flag too. */
export interface CliOptions {
  readonly keepalivedFile?: string;
  readonly nginxFile?: string;
  readonly tandemFile?: string;
  readonly configTest: boolean;
  readonly dumpConf: boolean;
  readonly showSecrets: boolean;
  readonly dontFork: boolean;
  readonly logConsole: boolean;
  readonly logDetail: boolean;
  readonly logFormat?: 'text' | 'json';
  /** `--log-level`, or `debug` for `-D`. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly vrrpOnly: boolean;
  readonly pidFile?: string;
  readonly configId?: string;
  readonly admin?: string;
  readonly adminToken?: string;
  readonly adminTokenFile?: string;
  readonly metrics?: MetricsConfig;
  readonly dumpData?: string;
  readonly dumpStats?: string;
  readonly dumpJson?: string;
  readonly plugins: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly demo: boolean;
}

/** The flags, keepalived's short letters where keepalived has the flag (keepalived `main.c` usage). */
export const usage = `Usage: tandem [OPTION...]

Runs VRRP (from keepalived.conf) and HTTP/TCP load balancing (from nginx.conf) in one daemon.

  -f, --use-file FILE      keepalived configuration file (default /etc/keepalived/keepalived.conf
                           when neither it nor --nginx nor --conf is given)
      --nginx FILE         nginx configuration file (http and stream load balancing)
  -c, --conf FILE          tandem.conf: Tandem's own settings (paths, admin, plugins, metrics)
  -t, --config-test        check the configuration files and exit (keepalived -t exit codes:
                           0 clean, 4 missing file or fatal, 5 error or warning, 6 script security;
                           nginx problems exit 1)
  -d, --dump-conf          print the configuration model as canonical JSON and exit
      --show-secrets       with --dump-conf: show auth_pass and tokens instead of "***"
  -n, --dont-fork          stay in the foreground (Tandem always does; accepted for keepalived scripts)
  -l, --log-console        log to the console (Tandem always does; accepted for keepalived scripts)
  -D, --log-detail         detailed (debug) log: the same as --log-level debug
      --log-level LEVEL    debug, info (default), warn or error
      --log-format FORMAT  text (keepalived-style lines, default) or json
  -P, --vrrp               run only VRRP and its trackers, no proxying
  -p, --pid FILE           write the pid to FILE once sockets are bound
  -i, --config-id ID       config id for @ID / @^ID lines (default: host name up to the first dot)
      --admin HOST:PORT    admin server (metrics, status, dashboard); loopback unless a token is set
      --admin-token-file FILE
                           the admin bearer token, read from FILE (one line) at start and on
                           every SIGHUP reload; keep FILE mode 0600
      --admin-token TOKEN  the admin token on the command line: every local user can read it in
                           ps and /proc/PID/cmdline, so prefer --admin-token-file
      --metrics LIST       the metric families /metrics exports, exactly: a comma-separated list
                           of native, keepalived, nginx (e.g. native,nginx), or all, or none
      --dump-data FILE     where SIGUSR1 writes the data dump (default /tmp/keepalived.data)
      --dump-stats FILE    where SIGUSR2 writes the stats dump (default /tmp/keepalived.stats)
      --dump-json FILE     where SIGUSR1 writes the JSON dump (default /tmp/keepalived.json)
      --plugin PATH        load a plugin module (repeatable)
      --demo               run the ready example on loopback with demo backends (what npm start does)
  -h, --help               print this help and exit
  -v, --version            print the version and exit
`;

/**
 * Parses argv; throws an Error with a one-line message on an unknown flag or a missing value, and a
 * {@link FlagValueError} for a value the flag cannot take (checked here, not at start, so it exits 2).
 */
export function parseCli(argv: readonly string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      'use-file': { type: 'string', short: 'f' },
      nginx: { type: 'string' },
      conf: { type: 'string', short: 'c' },
      'config-test': { type: 'boolean', short: 't' },
      'dump-conf': { type: 'boolean', short: 'd' },
      'show-secrets': { type: 'boolean' },
      'dont-fork': { type: 'boolean', short: 'n' },
      'log-console': { type: 'boolean', short: 'l' },
      'log-detail': { type: 'boolean', short: 'D' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      vrrp: { type: 'boolean', short: 'P' },
      pid: { type: 'string', short: 'p' },
      'config-id': { type: 'string', short: 'i' },
      admin: { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-token-file': { type: 'string' },
      metrics: { type: 'string' },
      'dump-data': { type: 'string' },
      'dump-stats': { type: 'string' },
      'dump-json': { type: 'string' },
      plugin: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      demo: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0] ?? ''}'`);
  const fmtText = values['log-format'];
  if (fmtText !== undefined && fmtText !== 'text' && fmtText !== 'json')
    throw new FlagValueError(`--log-format must be text or json, not '${fmtText}'`);
  const fmt: 'text' | 'json' | undefined = fmtText;
  const levelText = values['log-level'];
  let level = levelText === undefined ? undefined : parseLogLevel(levelText);
  if (values['log-detail'] === true) {
    if (level !== undefined && level !== 'debug')
      throw new FlagValueError(`-D (debug) and --log-level ${level} contradict each other`);
    level = 'debug';
  }
  if (values['admin-token'] !== undefined && values['admin-token-file'] !== undefined)
    throw new FlagValueError('give --admin-token or --admin-token-file, not both');
  if (values['admin-token'] === '') throw new FlagValueError('--admin-token must not be empty');
  const metricsText = values.metrics;
  const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
  return {
    ...opt('keepalivedFile', values['use-file']),
    ...opt('nginxFile', values.nginx),
    ...opt('tandemFile', values.conf),
    ...opt('logFormat', fmt),
    ...opt('logLevel', level),
    ...opt('adminToken', values['admin-token']),
    ...opt('adminTokenFile', values['admin-token-file']),
    ...opt('metrics', metricsText === undefined ? undefined : parseMetricsList(metricsText)),
    ...opt('dumpData', values['dump-data']),
    ...opt('dumpStats', values['dump-stats']),
    ...opt('dumpJson', values['dump-json']),
    ...opt('pidFile', values.pid),
    ...opt('configId', values['config-id']),
    ...opt('admin', values.admin),
    configTest: values['config-test'] === true,
    dumpConf: values['dump-conf'] === true,
    showSecrets: values['show-secrets'] === true,
    dontFork: values['dont-fork'] === true,
    logConsole: values['log-console'] === true,
    logDetail: values['log-detail'] === true,
    vrrpOnly: values.vrrp === true,
    plugins: values.plugin ?? [],
    help: values.help === true,
    version: values.version === true,
    demo: values.demo === true,
  };
}
