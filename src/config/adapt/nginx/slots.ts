import type { Directive } from '../../directive.js';
import type { NginxDirectiveSpec } from './directives.js';
import { parseNginxInt, parseNginxOffset, parseNginxSize, parseNginxTime } from './units.js';

/** Generic handlers that refuse a second occurrence in the same block ("is duplicate"). */
const SINGLE = new Set(['flag', 'num', 'msec', 'sec', 'size', 'off', 'str', 'enum', 'bufs', 'path']);

/** Values of the enum and bitmask directives Tandem checks (ngx_http_proxy_module.c's tables). */
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  proxy_http_version: ['1.0', '1.1'],
};

/** `proxy_next_upstream` conditions in http (ngx_http_proxy_next_upstream_masks). */
export const HTTP_NEXT_UPSTREAM = [
  'error',
  'timeout',
  'invalid_header',
  'non_idempotent',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'updating',
  'off',
] as const;

const BITMASKS: Readonly<Record<string, readonly string[]>> = {
  proxy_next_upstream: HTTP_NEXT_UPSTREAM,
};

/**
 * Runs the generic value handler a directive uses (ngx_conf_set_*_slot in ngx_conf_file.c) and
 * returns nginx's message when it would refuse the value; `seen` holds the names already set in this
 * block. Module-specific handlers are checked by the adapters that act on them.
 */
export function checkSlot(spec: NginxDirectiveSpec, d: Directive, seen: Set<string>): string | undefined {
  const slot = spec.slot;
  if (SINGLE.has(slot)) {
    if (seen.has(d.name)) return `"${d.name}" directive is duplicate`;
    seen.add(d.name);
  }
  const value = d.args[0]?.text ?? '';
  switch (slot) {
    case 'flag': {
      const v = value.toLowerCase();
      return v === 'on' || v === 'off'
        ? undefined
        : `invalid value "${value}" in "${d.name}" directive, it must be "on" or "off"`;
    }
    case 'num':
      return parseNginxInt(value) === undefined ? `"${d.name}" directive invalid number` : undefined;
    case 'msec':
    case 'sec':
      return parseNginxTime(value, slot === 'sec') === undefined
        ? `"${d.name}" directive invalid value`
        : undefined;
    case 'size':
      return parseNginxSize(value) === undefined ? `"${d.name}" directive invalid value` : undefined;
    case 'off':
      return parseNginxOffset(value) === undefined ? `"${d.name}" directive invalid value` : undefined;
    case 'enum': {
      const values = ENUMS[d.name];
      if (values === undefined) return undefined;
      return values.some((v) => v.toLowerCase() === value.toLowerCase())
        ? undefined
        : `invalid value "${value}"`;
    }
    case 'bitmask': {
      const values = BITMASKS[d.name];
      if (values === undefined) return undefined;
      const bad = d.args.find((a) => !values.some((v) => v.toLowerCase() === a.text.toLowerCase()));
      return bad === undefined ? undefined : `invalid value "${bad.text}"`;
    }
    case 'str':
    case 'str_array':
    case 'keyval':
    case 'bufs':
    case 'access':
    case 'path':
    case '-':
      return undefined;
  }
}
