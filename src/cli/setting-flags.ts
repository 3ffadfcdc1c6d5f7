import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LogConfig, MetricsConfig } from '../config/model/tandem.js';

/**
 * `--metrics` names, with tandem.conf's directive names accepted too (`metrics { keepalived_compat on; }`),
 * so an operator can copy them from the file.
 */
/** A flag given a value it cannot take: the CLI prints the one-line message (no usage) and exits 2. */
export class FlagValueError extends Error {
  override readonly name = 'FlagValueError';
}

const METRIC_FAMILIES: Readonly<Record<string, keyof MetricsConfig>> = {
  native: 'native',
  keepalived: 'keepalivedCompat',
  keepalived_compat: 'keepalivedCompat',
  nginx: 'nginxCompat',
  nginx_compat: 'nginxCompat',
};

/**
 * Parses `--metrics LIST`: a comma-separated list of the families `/metrics` exports, exactly (a family
 * not named is off), or `all` or `none`. An exact set rather than `+x/-x` edits, so the flag alone says
 * what a scrape returns whatever tandem.conf holds. Throws {@link FlagValueError} for an unknown name.
 */
export function parseMetricsList(text: string): MetricsConfig {
  const on = { native: false, keepalivedCompat: false, nginxCompat: false };
  const words = text.split(',').map((w) => w.trim());
  if (words.length === 1 && words[0] === 'all')
    return { native: true, keepalivedCompat: true, nginxCompat: true };
  if (words.length === 1 && words[0] === 'none') return on;
  for (const w of words) {
    const key = METRIC_FAMILIES[w];
    if (key === undefined)
      throw new FlagValueError(
        `--metrics: unknown metric family '${w}' (expected a comma-separated list of native, keepalived, nginx; or all, or none)`,
      );
    on[key] = true;
  }
  return on;
}

const LEVELS: readonly LogConfig['level'][] = ['debug', 'info', 'warn', 'error'];

/** Parses `--log-level` (tandem.conf `log { level ...; }`); throws {@link FlagValueError} otherwise. */
export function parseLogLevel(text: string): LogConfig['level'] {
  const level = LEVELS.find((l) => l === text);
  if (level === undefined)
    throw new FlagValueError(`--log-level must be one of ${LEVELS.join(', ')}, not '${text}'`);
  return level;
}

/**
 * Checks a file flag before anything starts, so a typo exits 2 with one line instead of failing at
 * the first SIGUSR1 or reload. `kind` says what the file must be: one to read, or one whose directory
 * exists so it can be written later. Returns the absolute path; throws {@link FlagValueError}.
 */
export function checkFileFlag(flag: string, path: string, kind: 'readable' | 'writable-later'): string {
  if (path.length === 0) throw new FlagValueError(`${flag} needs a file name`);
  const abs = resolve(path);
  if (kind === 'readable') {
    if (!existsSync(abs)) throw new FlagValueError(`${flag}: ${abs} does not exist`);
    if (!statSync(abs).isFile()) throw new FlagValueError(`${flag}: ${abs} is not a file`);
    return abs;
  }
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new FlagValueError(`${flag}: directory ${dir} does not exist`);
  if (existsSync(abs) && statSync(abs).isDirectory())
    throw new FlagValueError(`${flag}: ${abs} is a directory`);
  return abs;
}
