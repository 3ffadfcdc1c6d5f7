/**
 * `tandem -d -f FILE`: the keepalived model as canonical JSON (keys sorted, two-space indent,
 * locations as `file:line:col`), with `auth_pass` shown as "***" unless secrets are asked for.
 */
import { relative } from 'node:path';
import type { KeepalivedConfig } from './model/keepalived.js';
import type { SourceLoc } from './source-loc.js';

/** Options of {@link dumpKeepalivedConfig}. */
export interface DumpOptions {
  /** Show passwords instead of "***". */
  readonly showSecrets?: boolean;
  /** Render file paths relative to this directory (golden tests use the fixture directory). */
  readonly relativeTo?: string;
}

function isLoc(v: object): v is SourceLoc {
  return 'file' in v && 'line' in v && 'col' in v && Object.keys(v).length <= 4;
}

/** Renders the model as canonical JSON. */
export function dumpKeepalivedConfig(model: KeepalivedConfig, options: DumpOptions = {}): string {
  // Only paths under `relativeTo` are shortened: `/etc/hostname` must read the same wherever the
  // fixtures are checked out.
  const path = (f: string): string => {
    if (options.relativeTo === undefined) return f;
    const r = relative(options.relativeTo, f);
    return r.startsWith('..') ? f : r;
  };
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (typeof v === 'string' && (key === 'file' || key === 'files')) return path(v);
    if (v === null || typeof v !== 'object') return v;
    if (isLoc(v)) return `${path(v.file)}:${v.line}:${v.col}`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      out[k] = k === 'password' && options.showSecrets !== true ? '***' : walk(x, k);
    }
    return out;
  };
  return `${JSON.stringify(walk(model, ''), null, 2)}\n`;
}
