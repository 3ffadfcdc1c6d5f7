import { parseArgs } from 'node:util';

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
  readonly vrrpOnly: boolean;
  readonly pidFile?: string;
  readonly configId?: string;
  readonly admin?: string;
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
  -D, --log-detail         detailed (debug) log
      --log-format FORMAT  text (keepalived-style lines, default) or json
  -P, --vrrp               run only VRRP and its trackers, no proxying
  -p, --pid FILE           write the pid to FILE once sockets are bound
  -i, --config-id ID       config id for @ID / @^ID lines (default: host name up to the first dot)
      --admin HOST:PORT    admin server (metrics, status, dashboard); loopback unless a token is set
      --plugin PATH        load a plugin module (repeatable)
      --demo               run the ready example on loopback with demo backends (what npm start does)
  -h, --help               print this help and exit
  -v, --version            print the version and exit
`;

/** Parses argv; throws an Error with a one-line message on an unknown flag or a missing value. */
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
      vrrp: { type: 'boolean', short: 'P' },
      pid: { type: 'string', short: 'p' },
      'config-id': { type: 'string', short: 'i' },
      admin: { type: 'string' },
      plugin: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      demo: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new Error(`unexpected argument '${positionals[0] ?? ''}'`);
  const fmtText = values['log-format'];
  if (fmtText !== undefined && fmtText !== 'text' && fmtText !== 'json')
    throw new Error(`--log-format must be text or json, not '${fmtText}'`);
  const fmt: 'text' | 'json' | undefined = fmtText;
  const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
  return {
    ...opt('keepalivedFile', values['use-file']),
    ...opt('nginxFile', values.nginx),
    ...opt('tandemFile', values.conf),
    ...opt('logFormat', fmt),
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
