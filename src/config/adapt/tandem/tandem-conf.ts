import { dirname, resolve } from 'node:path';
import { configError, configWarning, type Diagnostic, type Result } from '../../../core/diagnostic.js';
import type { Directive, Word } from '../../directive.js';
import type {
  AdminConfig,
  DumpConfig,
  LogConfig,
  MetricsConfig,
  ProxyHealthConfig,
  TandemConfig,
} from '../../model/tandem.js';
import { adminListenProblem } from '../../../admin/listen-policy.js';
import { parseHostPort } from './host-port.js';
import { adaptBalancerChoice, adaptTrackChoice, isExtensionName } from './plugin-directives.js';
import type { SourceLoc } from '../../source-loc.js';
import type { BalancerChoiceConfig, TrackChoiceConfig } from '../../model/tandem.js';

/** Defaults for everything tandem.conf may say: all metric families on, keepalived-style text logs. */
export const defaultTandemConfig: TandemConfig = {
  plugins: [],
  metrics: { native: true, keepalivedCompat: true, nginxCompat: true },
  log: { format: 'text', level: 'info' },
};

const BOOL: Readonly<Record<string, boolean>> = {
  on: true,
  off: false,
  yes: true,
  no: false,
  true: true,
  false: false,
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The directive's single argument, or undefined after reporting the wrong count or a block. */
function oneArg(d: Directive, out: Diagnostic[]): Word | undefined {
  const [first] = d.args;
  if (first !== undefined && d.args.length === 1 && d.block === undefined) return first;
  out.push(
    configError(
      'TANDEM_CONFIG_ARGS',
      `invalid number of arguments in "${d.name}" directive (expected 1)`,
      d.loc,
    ),
  );
  return undefined;
}

function bool(w: Word, out: Diagnostic[]): boolean | undefined {
  const v = BOOL[w.text];
  if (v === undefined) out.push(configError('TANDEM_CONFIG_VALUE', `"${w.text}" is not on or off`, w.loc));
  return v;
}

function adaptMetrics(d: Directive, out: Diagnostic[]): MetricsConfig {
  const m: Mutable<MetricsConfig> = { ...defaultTandemConfig.metrics };
  const keys = {
    native: 'native',
    keepalived_compat: 'keepalivedCompat',
    nginx_compat: 'nginxCompat',
  } as const;
  for (const c of d.block ?? []) {
    const key = (keys as Readonly<Record<string, keyof MetricsConfig>>)[c.name];
    if (key === undefined) {
      out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${c.name}" in metrics`, c.loc));
    } else {
      const arg = oneArg(c, out);
      const v = arg === undefined ? undefined : bool(arg, out);
      if (v !== undefined) m[key] = v;
    }
  }
  return m;
}

function adaptLog(d: Directive, out: Diagnostic[]): LogConfig {
  const l: Mutable<LogConfig> = { ...defaultTandemConfig.log };
  for (const c of d.block ?? []) {
    const w = oneArg(c, out);
    if (w === undefined) continue;
    if (c.name === 'format' && (w.text === 'text' || w.text === 'json')) l.format = w.text;
    else if (c.name === 'level' && ['debug', 'info', 'warn', 'error'].includes(w.text))
      l.level = w.text as LogConfig['level'];
    else if (c.name === 'format' || c.name === 'level')
      out.push(configError('TANDEM_CONFIG_VALUE', `invalid ${c.name} "${w.text}"`, w.loc));
    else out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${c.name}" in log`, c.loc));
  }
  return l;
}

function adaptDumps(d: Directive, out: Diagnostic[], path: (w: Word) => string): DumpConfig {
  // `dumps { data FILE; stats FILE; json FILE; }`: keepalived writes fixed names under /tmp; an
  // exporter configured for other paths (or a read-only /tmp) needs them elsewhere.
  const c: Mutable<DumpConfig> = {};
  for (const x of d.block ?? []) {
    if (x.name !== 'data' && x.name !== 'stats' && x.name !== 'json') {
      out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${x.name}" in dumps`, x.loc));
      continue;
    }
    const w = oneArg(x, out);
    if (w !== undefined) c[x.name] = path(w);
  }
  return c;
}

/** The proxy health tracker's defaults: on, FAULT while down, nginx checks replaced, checked every 2 s. */
export const defaultProxyHealth: ProxyHealthConfig = {
  track: true,
  weight: 0,
  nginxChecks: 'replace',
  intervalMs: 2000,
};

function adaptProxyHealth(d: Directive, out: Diagnostic[]): ProxyHealthConfig {
  // `proxy_health { track on; weight -20; nginx_checks replace; interval 2s; }`
  const c: Mutable<ProxyHealthConfig> = { ...defaultProxyHealth };
  for (const x of d.block ?? []) {
    const w = oneArg(x, out);
    if (w === undefined) continue;
    if (x.name === 'track') {
      const v = bool(w, out);
      if (v !== undefined) c.track = v;
    } else if (x.name === 'weight') {
      // keepalived's range for a script weight (vrrp_parser.c: -253..253).
      const n = /^[-+]?\d+$/.test(w.text) ? Number(w.text) : NaN;
      if (Number.isInteger(n) && n >= -253 && n <= 253) c.weight = n;
      else out.push(configError('TANDEM_CONFIG_VALUE', `weight "${w.text}" is not in -253..253`, w.loc));
    } else if (x.name === 'nginx_checks') {
      if (w.text === 'replace' || w.text === 'run') c.nginxChecks = w.text;
      else out.push(configError('TANDEM_CONFIG_VALUE', `"${w.text}" is not replace or run`, w.loc));
    } else if (x.name === 'interval') {
      const m = /^(\d+)(ms|s)?$/.exec(w.text);
      const ms = m === null ? NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
      if (ms >= 100 && ms <= 3_600_000) c.intervalMs = ms;
      else out.push(configError('TANDEM_CONFIG_VALUE', `interval "${w.text}" is not 100ms..1h`, w.loc));
    } else {
      out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${x.name}" in proxy_health`, x.loc));
    }
  }
  return c;
}

function adaptAdmin(d: Directive, out: Diagnostic[], tokenByFlag: boolean): AdminConfig | undefined {
  // `admin HOST:PORT [token=SECRET];`
  const [addr, ...rest] = d.args;
  if (addr === undefined || d.block !== undefined) {
    out.push(configError('TANDEM_CONFIG_ARGS', 'admin needs HOST:PORT', d.loc));
    return undefined;
  }
  const hp = parseHostPort(addr.text);
  if (typeof hp === 'string') {
    out.push(configError('TANDEM_CONFIG_VALUE', hp, addr.loc));
    return undefined;
  }
  let token: string | undefined;
  for (const w of rest) {
    if (w.text.startsWith('token=') && w.text.length > 6) token = w.text.slice(6);
    else out.push(configError('TANDEM_CONFIG_VALUE', `unknown admin parameter "${w.text}"`, w.loc));
  }
  const admin = token === undefined ? hp : { ...hp, token };
  // Refused here, with the directive's location, rather than at start (src/admin/listen-policy.ts);
  // a token given by flag may still arrive, and overrides.ts then checks the combined settings.
  const problem = tokenByFlag ? undefined : adminListenProblem(admin);
  if (problem !== undefined) {
    out.push(configError('TANDEM_CONFIG_ADMIN_INSECURE', problem, addr.loc));
    return undefined;
  }
  return admin;
}

/** How tandem.conf is read: `adminTokenByFlag` when `--admin-token[-file]` supplies the admin token. */
export interface AdaptTandemOptions {
  readonly adminTokenByFlag?: boolean;
}

/**
 * Turns a tandem.conf directive tree into {@link TandemConfig}. Paths are relative to the file that
 * names them. Unknown directives are errors: nothing in Tandem's own file is silently ignored.
 */
export function adaptTandemConf(
  directives: readonly Directive[],
  options: AdaptTandemOptions = {},
): Result<TandemConfig> {
  const out: Diagnostic[] = [];
  const c: Mutable<TandemConfig> = { ...defaultTandemConfig, plugins: [] };
  const plugins: string[] = [];
  const pluginLocs: Record<string, SourceLoc> = {};
  const extensions: Directive[] = [];
  const balancers: BalancerChoiceConfig[] = [];
  const tracks: TrackChoiceConfig[] = [];
  const path = (w: Word) => resolve(dirname(w.loc.file), w.text);
  const seen = new Map<string, Directive>();
  for (const d of directives) {
    const single = [
      'keepalived',
      'nginx',
      'admin',
      'pid',
      'config_id',
      'metrics',
      'log',
      'dumps',
      'proxy_health',
    ];
    const earlier = seen.get(d.name);
    if (single.includes(d.name) && earlier !== undefined) {
      out.push(configError('TANDEM_CONFIG_DUPLICATE', `"${d.name}" directive is duplicate`, d.loc));
      continue;
    }
    seen.set(d.name, d);
    switch (d.name) {
      case 'keepalived':
        {
          const w = oneArg(d, out);
          if (w !== undefined) c.keepalivedFile = path(w);
        }
        break;
      case 'nginx':
        {
          const w = oneArg(d, out);
          if (w !== undefined) c.nginxFile = path(w);
        }
        break;
      case 'plugin':
        {
          const w = oneArg(d, out);
          if (w !== undefined) {
            plugins.push(path(w));
            pluginLocs[path(w)] = w.loc;
          }
        }
        break;
      case 'balancer': {
        const b = adaptBalancerChoice(d, out);
        if (b === undefined) break;
        if (balancers.some((x) => x.upstream === b.upstream))
          out.push(
            configError('TANDEM_CONFIG_DUPLICATE', `balancer for "${b.upstream}" is duplicate`, d.loc),
          );
        else balancers.push(b);
        break;
      }
      case 'track': {
        const t = adaptTrackChoice(d, out);
        if (t === undefined) break;
        if (tracks.some((x) => x.instance === t.instance && x.tracker === t.tracker))
          out.push(
            configError('TANDEM_CONFIG_DUPLICATE', `track ${t.instance} ${t.tracker} is duplicate`, d.loc),
          );
        else tracks.push(t);
        break;
      }
      case 'pid':
        {
          const w = oneArg(d, out);
          if (w !== undefined) c.pidFile = path(w);
        }
        break;
      case 'config_id':
        {
          const w = oneArg(d, out);
          if (w !== undefined) c.configId = w.text;
        }
        break;
      case 'admin': {
        const a = adaptAdmin(d, out, options.adminTokenByFlag === true);
        if (a !== undefined) c.admin = a;
        break;
      }
      case 'metrics':
        c.metrics = adaptMetrics(d, out);
        break;
      case 'dumps':
        c.dumps = adaptDumps(d, out, path);
        break;
      case 'log':
        c.log = adaptLog(d, out);
        break;
      case 'proxy_health':
        c.proxyHealth = adaptProxyHealth(d, out);
        break;
      default:
        // Possibly a loaded plugin's own directive: the plugin check decides once plugins are in.
        if (isExtensionName(d.name)) extensions.push(d);
        else out.push(configError('TANDEM_CONFIG_UNKNOWN', `unknown directive "${d.name}"`, d.loc));
    }
  }
  if (c.admin?.token !== undefined && c.admin.token.length < 16) {
    out.push(
      configWarning(
        'TANDEM_CONFIG_WEAK_TOKEN',
        'admin token is shorter than 16 characters',
        seen.get('admin')?.loc,
      ),
    );
  }
  c.plugins = plugins;
  if (plugins.length > 0) c.pluginLocs = pluginLocs;
  if (extensions.length > 0) c.extensions = extensions;
  if (balancers.length > 0) c.balancers = balancers;
  if (tracks.length > 0) c.tracks = tracks;
  return { value: c, diagnostics: out };
}
