import type { Directive } from '../../directive.js';
import type {
  NginxHeaderConfig,
  NginxHttpProxySettings,
  NginxNextUpstreamCondition,
} from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { parseNginxInt, parseNginxTime } from './units.js';
import { checkVariables } from './variables.js';

/** nginx 1.22's defaults (ngx_http_proxy_merge_loc_conf; reference/nginx.md §3). 1.29.7 changed httpVersion. */
export const HTTP_PROXY_DEFAULTS: NginxHttpProxySettings = {
  httpVersion: '1.0',
  connectTimeoutMs: 60_000,
  readTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  nextUpstream: ['error', 'timeout'],
  nextUpstreamTries: 0,
  nextUpstreamTimeoutMs: 0,
  buffering: true,
  passRequestHeaders: true,
  setHeaders: [],
  requestHeaders: [
    { name: 'Host', value: '$proxy_host' },
    { name: 'Connection', value: 'close' },
  ],
};

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

/** The proxy directives written at one level (http, server or location), before inheritance. */
export interface ProxyLevel {
  readonly values: Mutable<Omit<NginxHttpProxySettings, 'setHeaders' | 'requestHeaders' | 'nextUpstream'>>;
  /** Union of this level's proxy_next_upstream lines (a bitmask in nginx; `off` wins at merge). */
  nextUpstream?: Set<string>;
  /** Undefined when this level has no proxy_set_header: it then inherits the outer list whole. */
  setHeaders?: NginxHeaderConfig[];
}

/** Starts an empty level. */
export function newProxyLevel(): ProxyLevel {
  return { values: {} };
}

/**
 * Records one proxy directive of a level, returning false when the name is not a proxy setting.
 * Values were validated by the generic check (slots.ts); this only converts them.
 */
export function readProxyDirective(d: Directive, level: ProxyLevel, ctx: AdaptContext): boolean {
  const v = level.values;
  const text = arg(d, 0);
  switch (d.name) {
    case 'proxy_http_version':
      v.httpVersion = text === '1.1' ? '1.1' : '1.0';
      return true;
    case 'proxy_connect_timeout':
      v.connectTimeoutMs = parseNginxTime(text, false) ?? 0;
      return true;
    case 'proxy_read_timeout':
      v.readTimeoutMs = parseNginxTime(text, false) ?? 0;
      return true;
    case 'proxy_send_timeout':
      v.sendTimeoutMs = parseNginxTime(text, false) ?? 0;
      return true;
    case 'proxy_next_upstream_tries':
      v.nextUpstreamTries = parseNginxInt(text) ?? 0;
      return true;
    case 'proxy_next_upstream_timeout':
      v.nextUpstreamTimeoutMs = parseNginxTime(text, false) ?? 0;
      return true;
    case 'proxy_buffering':
      v.buffering = text.toLowerCase() === 'on';
      return true;
    case 'proxy_pass_request_headers':
      v.passRequestHeaders = text.toLowerCase() === 'on';
      return true;
    case 'proxy_next_upstream': {
      const set = level.nextUpstream ?? new Set<string>();
      for (const a of d.args) {
        const c = a.text.toLowerCase();
        // ngx_conf_set_bitmask_slot: a value given twice is a warning, not an error.
        if (set.has(c)) ctx.warn(a, `duplicate value "${a.text}"`);
        set.add(c);
      }
      level.nextUpstream = set;
      return true;
    }
    case 'proxy_set_header':
      checkVariables(d.args[1], ctx, 'http');
      level.setHeaders = [...(level.setHeaders ?? []), { name: text, value: arg(d, 1) }];
      return true;
    default:
      return false;
  }
}

const CONDITION_ORDER: readonly NginxNextUpstreamCondition[] = [
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
];

/** What nginx sends upstream: the set headers, then the defaults they did not override (by name, any case). */
function requestHeaders(setHeaders: readonly NginxHeaderConfig[]): NginxHeaderConfig[] {
  const named = new Set(setHeaders.map((h) => h.name.toLowerCase()));
  return [
    ...setHeaders,
    ...HTTP_PROXY_DEFAULTS.requestHeaders.filter((h) => !named.has(h.name.toLowerCase())),
  ];
}

/** Applies a level over its parent's effective settings (ngx_conf_merge_*: a value set here wins). */
export function mergeProxyLevel(parent: NginxHttpProxySettings, level: ProxyLevel): NginxHttpProxySettings {
  const nu = level.nextUpstream;
  const nextUpstream =
    nu === undefined ? parent.nextUpstream : nu.has('off') ? [] : CONDITION_ORDER.filter((c) => nu.has(c));
  const setHeaders = level.setHeaders ?? parent.setHeaders;
  return {
    ...parent,
    ...level.values,
    nextUpstream,
    setHeaders,
    requestHeaders: requestHeaders(setHeaders),
  };
}
