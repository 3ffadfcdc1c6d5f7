import type { LocationParams } from './types.js';
import type { RequestVars } from './variables.js';

/** A `proxy_redirect FROM TO;` rule. */
export interface RedirectRule {
  readonly from: string;
  readonly to: string;
}

/**
 * The rule nginx's `proxy_redirect default` derives from `location` and `proxy_pass`
 * (`ngx_http_proxy_merge_loc_conf`): the proxy_pass URL, with the location's name when the URL has
 * no URI part, is replaced by the location's name (`location /one/ { proxy_pass
 * http://u/two/; }` → `proxy_redirect http://u/two/ /one/`). nginx has no default for regex
 * locations, and neither has Tandem.
 */
export function defaultRedirect(loc: LocationParams): RedirectRule | undefined {
  const pass = loc.proxyPass;
  if (pass === undefined || loc.match === '~' || loc.match === '~*' || loc.proxyRedirect === 'off')
    return undefined;
  const base = `${pass.scheme}://${pass.upstream}`;
  return { from: pass.uri === undefined ? `${base}${loc.path}` : `${base}${pass.uri}`, to: loc.path };
}

/**
 * Rewrites an upstream `Location` value: when it starts with the rule's prefix the prefix is
 * replaced, and a result that is a path is made absolute from `$host` and the local port, as
 * nginx's header filter does with `absolute_redirect on` and `port_in_redirect on`. A value the
 * rule does not match passes unchanged.
 */
export function rewriteLocation(value: string, rule: RedirectRule, vars: RequestVars): string {
  if (!value.startsWith(rule.from)) return value;
  const out = rule.to + value.slice(rule.from.length);
  if (!out.startsWith('/')) return out;
  const port = vars.req.socket.localPort ?? 80;
  return `http://${vars.host}${port === 80 ? '' : `:${port}`}${out}`;
}
