/**
 * Lines of virtual_routes / static_routes and virtual_rules / static_rules, in `ip route add` /
 * `ip rule add` syntax (keepalived vrrp_iproute.c `alloc_route`, vrrp_iprule.c `alloc_rule`).
 * Tandem keeps the words for its `ip` effect runner, extracts the common fields, and reproduces
 * keepalived's deprecation and missing-preference messages; it does not re-validate every option.
 */
import type { Directive } from '../../directive.js';
import type { AddressFamily, IpRouteConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';
import { parseIp } from './address.js';

const ROUTE_TYPES = new Set([
  'unicast',
  'local',
  'broadcast',
  'multicast',
  'throw',
  'unreachable',
  'prohibit',
  'blackhole',
  'nat',
]);

function familyOfPrefix(text: string): AddressFamily | undefined {
  const ip = parseIp(text.split('/')[0] ?? '');
  return ip?.family;
}

/** Reads one route line (the directive's name is the first word). */
export function adaptRoute(ctx: KaContext, d: Directive): IpRouteConfig | undefined {
  const words = [d.name, ...d.args.map((w) => w.text)];
  let family: AddressFamily | undefined;
  const out: { -readonly [K in keyof IpRouteConfig]: IpRouteConfig[K] } = {
    family: 'inet',
    words,
    noTrack: false,
    loc: d.loc,
  };
  let i = 0;
  if (ROUTE_TYPES.has(words[0] ?? '')) i++;
  const dest = words[i] === 'to' ? words[++i] : words[i];
  if (dest === undefined || (dest !== 'default' && familyOfPrefix(dest) === undefined)) {
    ctx.error(`Invalid route destination ${dest ?? ''} - ignoring`, d.loc);
    return undefined;
  }
  out.to = dest;
  family = familyOfPrefix(dest);
  for (i++; i < words.length; i++) {
    const k = words[i];
    const v = words[i + 1];
    if ((k === 'via' || k === 'gw') && v !== undefined) {
      if (k === 'gw') ctx.error('"gw" for routes is deprecated. Please use "via"', d.loc);
      const vf = v === 'inet' || v === 'inet6' ? words[i + 2] : v;
      out.via = vf ?? v;
      family ??= familyOfPrefix(out.via);
      i += v === 'inet' || v === 'inet6' ? 2 : 1;
    } else if (k === 'dev' || k === 'oif') {
      if (v !== undefined && ctx.host.interfaceKind(v) === 'missing') {
        ctx.missingInterface(`WARNING - interface ${v} for route doesn't exist`, d.loc);
        return undefined;
      }
      if (v !== undefined) out.dev = v;
      i++;
    } else if (k === 'table' && v !== undefined) {
      out.table = v;
      i++;
    } else if ((k === 'metric' || k === 'preference' || k === 'priority') && v !== undefined) {
      out.metric = Number(v);
      i++;
    } else if (k === 'or') ctx.error('"or" for routes is deprecated. Please use "nexthop"', d.loc);
    else if (k === 'no_track') out.noTrack = true;
  }
  // Without `dev`, keepalived cannot watch the route (vrrp_iproute.c l.1886).
  if (out.dev === undefined && !out.noTrack) {
    ctx.error(`Warning - cannot track route ${dest} with no interface specified, not tracking`, d.loc);
  }
  out.family = family ?? 'inet';
  return out;
}

/** Reads one rule line (`from X table N`, `to Y`, `preference N`...). */
export function adaptRule(ctx: KaContext, d: Directive): IpRouteConfig | undefined {
  const words = [d.name, ...d.args.map((w) => w.text)];
  const out: { -readonly [K in keyof IpRouteConfig]: IpRouteConfig[K] } = {
    family: 'inet',
    words,
    noTrack: false,
    loc: d.loc,
  };
  let family: AddressFamily | undefined;
  let preference = false;
  for (let i = 0; i < words.length; i++) {
    const k = words[i];
    const v = words[i + 1];
    if ((k === 'from' || k === 'to') && v !== undefined) {
      const f = v === 'all' ? undefined : familyOfPrefix(v);
      if (v !== 'all' && f === undefined) {
        ctx.error(`Invalid rule ${k} address ${v}`, d.loc);
        return undefined;
      }
      if (k === 'to') out.to = v;
      family ??= f;
      i++;
    } else if ((k === 'preference' || k === 'priority' || k === 'order') && v !== undefined) {
      preference = true;
      out.metric = Number(v);
      i++;
    } else if ((k === 'table' || k === 'lookup') && v !== undefined) {
      out.table = v;
      i++;
    } else if ((k === 'iif' || k === 'oif' || k === 'dev') && v !== undefined) {
      out.dev = v;
      i++;
    } else if (k === 'no_track') out.noTrack = true;
  }
  if (!preference) {
    ctx.error(
      `Rule has no preference specified - setting to ${family === 'inet6' ? 16384 : 16384}. This is probably not what you want.`,
      d.loc,
    );
  }
  out.family = family ?? 'inet';
  return out;
}
