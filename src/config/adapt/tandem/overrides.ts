import { readFileSync } from 'node:fs';
import { adminListenProblem } from '../../../admin/listen-policy.js';
import { messageOf } from '../../../core/errors.js';
import { configError, configWarning, type Diagnostic } from '../../../core/diagnostic.js';
import type { AdminConfig, DumpConfig, MetricsConfig, TandemConfig } from '../../model/tandem.js';

/** Settings given on the command line; they win over tandem.conf. */
export interface ConfigOverrides {
  readonly tandemFile?: string;
  readonly keepalivedFile?: string;
  readonly nginxFile?: string;
  readonly configId?: string;
  readonly pidFile?: string;
  /** `--admin HOST:PORT`: moves the admin server; the token comes from the token flags or tandem.conf. */
  readonly admin?: AdminConfig;
  /** `--admin-token TOKEN` (visible in `ps`: `--admin-token-file` is the safe form). */
  readonly adminToken?: string;
  /** `--admin-token-file FILE`: read at every load, so SIGHUP picks up a rotated token. */
  readonly adminTokenFile?: string;
  /** `--metrics LIST`: exactly the families `/metrics` exports. */
  readonly metrics?: MetricsConfig;
  /** `--dump-data/--dump-stats/--dump-json FILE`: each replaces tandem.conf's `dumps` entry. */
  readonly dumps?: DumpConfig;
  readonly plugins?: readonly string[];
  readonly logFormat?: 'text' | 'json';
  readonly logLevel?: TandemConfig['log']['level'];
  readonly vrrpOnly?: boolean;
}

/** Whether the command line sets the admin token (tandem.conf's admin check then waits for it). */
export function overridesToken(o: ConfigOverrides): boolean {
  return o.adminToken !== undefined || o.adminTokenFile !== undefined;
}

/**
 * Reads a token file the way Prometheus reads `credentials_file`: the whole file, surrounding
 * whitespace (the editor's final newline) trimmed. Returns the token or a message saying what is wrong.
 */
export function readTokenFile(file: string): { token: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problem: `cannot read admin token file: ${messageOf(err)}` };
  }
  const token = text.trim();
  if (token.length === 0) return { problem: `admin token file ${file} is empty` };
  // A bearer token is one word (`Authorization: Bearer TOKEN`); anything else could never match.
  if (/\s/.test(token)) return { problem: `admin token file ${file} must hold one token without spaces` };
  return { token };
}

function tokenOf(o: ConfigOverrides, out: Diagnostic[]): string | undefined {
  if (o.adminTokenFile !== undefined) {
    const r = readTokenFile(o.adminTokenFile);
    if ('problem' in r) {
      out.push(configError('TANDEM_CONFIG_VALUE', `--admin-token-file: ${r.problem}`));
      return undefined;
    }
    return r.token;
  }
  return o.adminToken;
}

function adminOf(c: TandemConfig, o: ConfigOverrides, out: Diagnostic[]): AdminConfig | undefined {
  const flagToken = tokenOf(o, out);
  if (o.admin === undefined && flagToken === undefined) return c.admin;
  const where = o.admin ?? c.admin;
  if (where === undefined) {
    if (flagToken !== undefined)
      out.push(
        configWarning(
          'TANDEM_CONFIG_UNUSED',
          'an admin token was given but no admin listener (--admin or admin in tandem.conf): it is unused',
        ),
      );
    return undefined;
  }
  const token = flagToken ?? c.admin?.token;
  const admin: AdminConfig = {
    host: where.host,
    port: where.port,
    ...(token === undefined ? {} : { token }),
  };
  // The same refusal tandem.conf gives (src/admin/listen-policy.ts), now for the combined settings.
  const problem = adminListenProblem(admin);
  if (problem !== undefined) out.push(configError('TANDEM_CONFIG_ADMIN_INSECURE', problem));
  if (flagToken !== undefined && flagToken.length < 16)
    out.push(configWarning('TANDEM_CONFIG_WEAK_TOKEN', 'admin token is shorter than 16 characters'));
  return problem === undefined ? admin : undefined;
}

/**
 * Applies command-line settings over tandem.conf's: each flag replaces its setting, except
 * `--plugin`, which adds to tandem.conf's list. Problems (an unreadable token file, a public admin
 * address left without a token) are diagnostics without a location.
 */
export function withOverrides(
  c: TandemConfig,
  o: ConfigOverrides,
): { config: TandemConfig; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const keepalivedFile = o.keepalivedFile ?? c.keepalivedFile;
  const nginxFile = o.nginxFile ?? c.nginxFile;
  const pidFile = o.pidFile ?? c.pidFile;
  const configId = o.configId ?? c.configId;
  const admin = adminOf(c, o, out);
  const dumps = o.dumps === undefined ? c.dumps : { ...c.dumps, ...o.dumps };
  // tandem.conf's admin is replaced, not merged: `adminOf` has folded it in (or refused it).
  const { admin: _confAdmin, ...rest } = c;
  const config: TandemConfig = {
    ...rest,
    ...(keepalivedFile === undefined ? {} : { keepalivedFile }),
    ...(nginxFile === undefined ? {} : { nginxFile }),
    ...(pidFile === undefined ? {} : { pidFile }),
    ...(configId === undefined ? {} : { configId }),
    ...(admin === undefined ? {} : { admin }),
    ...(dumps === undefined ? {} : { dumps }),
    ...(o.vrrpOnly === true ? { vrrpOnly: true } : {}),
    metrics: o.metrics ?? c.metrics,
    plugins: [...c.plugins, ...(o.plugins ?? [])],
    log: { format: o.logFormat ?? c.log.format, level: o.logLevel ?? c.log.level },
  };
  return { config, diagnostics: out };
}
