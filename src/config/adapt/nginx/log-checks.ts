import type { Directive } from '../../directive.js';
import { parseNginxInt, parseNginxSize, parseNginxTime } from './units.js';

type Scope = 'http' | 'stream';

/**
 * The checks nginx -t makes of `log_format` and `access_log` (ngx_http_log_module,
 * ngx_stream_log_module), which Tandem accepts quietly otherwise: a format is defined once, before
 * the access_log that names it (`combined` is predefined in http only), and the buffer, flush and gzip
 * parameters parse. Logging itself is Tandem's own.
 */
export class LogChecks {
  readonly #formats: Record<Scope, Set<string>> = { http: new Set(['combined']), stream: new Set() };

  /** Checks one directive in scope, in file order; returns nginx's message, or undefined. */
  check(d: Directive, scope: Scope): string | undefined {
    if (d.name === 'log_format') return this.#define(d, scope);
    if (d.name === 'access_log') return this.#accessLog(d, scope);
    if (d.name === 'open_log_file_cache') return openLogFileCache(d);
    return undefined;
  }

  #define(d: Directive, scope: Scope): string | undefined {
    const name = d.args[0]?.text ?? '';
    if (this.#formats[scope].has(name)) return `duplicate "log_format" name "${name}"`;
    this.#formats[scope].add(name);
    // ngx_http_log_set_format: the escaping is checked now that Tandem writes these logs.
    const escape = d.args[1]?.text ?? '';
    if (escape.startsWith('escape=')) {
      const v = escape.slice(7);
      if (v !== 'default' && v !== 'json' && v !== 'none') return `unknown log format escaping "${v}"`;
    }
    return undefined;
  }

  #accessLog(d: Directive, scope: Scope): string | undefined {
    const path = d.args[0]?.text ?? '';
    if (path === 'off') return undefined;
    const format = d.args[1]?.text ?? (scope === 'http' ? 'combined' : undefined);
    if (format === undefined) return 'log format is not specified';
    if (!this.#formats[scope].has(format)) return `unknown log format "${format}"`;
    let buffered = false;
    let flush = false;
    for (const w of d.args.slice(2)) {
      const p = w.text;
      const value = p.slice(p.indexOf('=') + 1);
      if (p.startsWith('buffer=')) {
        if (parseNginxSize(value) === undefined) return `invalid buffer size "${value}"`;
        buffered = true;
      } else if (p.startsWith('flush=')) {
        const t = parseNginxTime(value, false);
        if (t === undefined || t === 0) return `invalid flush time "${value}"`;
        flush = true;
      } else if (p === 'gzip' || p.startsWith('gzip=')) {
        const level = p === 'gzip' ? 1 : parseNginxInt(value);
        if (level === undefined || level < 1 || level > 9) return `invalid compression level "${value}"`;
        buffered = true;
      } else if (!p.startsWith('if=')) {
        return `invalid parameter "${p}"`;
      }
    }
    if (flush && !buffered) return `no buffer is defined for access_log "${path}"`;
    return undefined;
  }
}

/** `open_log_file_cache max=N [inactive=T] [min_uses=N] [valid=T]` or `off`. */
function openLogFileCache(d: Directive): string | undefined {
  for (const w of d.args) {
    const p = w.text;
    const value = p.slice(p.indexOf('=') + 1);
    const ok =
      p === 'off' ||
      (p.startsWith('max=') && parseNginxInt(value) !== undefined) ||
      (p.startsWith('min_uses=') && parseNginxInt(value) !== undefined) ||
      ((p.startsWith('inactive=') || p.startsWith('valid=')) && parseNginxTime(value, true) !== undefined);
    if (!ok) return `invalid "open_log_file_cache" parameter "${p}"`;
  }
  return undefined;
}
