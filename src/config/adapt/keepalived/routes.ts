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

/** `ip route` options that take a value (so their value is not read as the destination). */
const ROUTE_OPTS = new Set([
  'src',
  'via',
  'gw',
  'dev',
  'oif',
  'table',
  'metric',
  'preference',
  'priority',
  'proto',
  'protocol',
  'scope',
  'mtu',
  'advmss',
  'realm',
  'realms',
  'tos',
  'dsfield',
  'expires',
  'initcwnd',
  'initrwnd',
  'features',
  'quickack',
  'congctl',
  'rto_min',
  'ssthresh',
  'cwnd',
  'window',
  'rtt',
  'rttvar',
  'hoplimit',
  'reordering',
  'pref',
  'weight',
  'encap',
  'fastopen_no_cookie',
  'ttl-propagate',
  'as',
  'nhid',
]);

/** Reads one route line (the directive's name is the first word). */
export function adaptRoute(ctx: KaContext, d: Directive): IpRouteConfig | undefined {
  const words = [d.name, ...d.args.map((w) => w.text)];
  const out: { -readonly [K in keyof IpRouteConfig]: IpRouteConfig[K] } = {
    family: 'inet',
    words,
    noTrack: false,
    loc: d.loc,
  };
  let family: AddressFamily | undefined;
  let dest: string | undefined;
  for (let i = ROUTE_TYPES.has(words[0] ?? '') ? 1 : 0; i < words.length; i++) {
    const k = words[i] ?? '';
    const v = words[i + 1];
    if (k === 'to' && v !== undefined) {
      dest = v;
      i++;
    } else if ((k === 'via' || k === 'gw') && v !== undefined) {
      if (k === 'gw') ctx.error('"gw" for routes is deprecated. Please use "via"', d.loc);
      const inet = v === 'inet' || v === 'inet6';
      out.via = (inet ? words[i + 2] : v) ?? v;
      family ??= familyOfPrefix(out.via);
      i += inet ? 2 : 1;
    } else if ((k === 'dev' || k === 'oif') && v !== undefined) {
      if (ctx.host.interfaceKind(v) === 'missing') {
        ctx.missingInterface(`WARNING - interface ${v} for route doesn't exist`, d.loc);
        return undefined;
      }
      out.dev = v;
      i++;
    } else if (k === 'table' && v !== undefined) {
      out.table = v;
      i++;
    } else if ((k === 'metric' || k === 'preference' || k === 'priority') && v !== undefined) {
      out.metric = Number(v);
      i++;
    } else if (k === 'or') ctx.error('"or" for routes is deprecated. Please use "nexthop"', d.loc);
    else if (k === 'no_track') out.noTrack = true;
    else if (ROUTE_OPTS.has(k) && v !== undefined) i++;
    else if (dest === undefined && k !== 'nexthop' && k !== 'onlink' && k !== 'pervasive') dest = k;
  }
  if (dest === undefined || (dest !== 'default' && familyOfPrefix(dest) === undefined)) {
    ctx.error(`Invalid route destination ${dest ?? ''} - ignoring`, d.loc);
    return undefined;
  }
  out.to = dest;
  family = familyOfPrefix(dest) ?? family;
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
        ctx.error(`VRRP parsed invalid IP ${v}. skipping IP...`, d.loc);
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
    // keepalived counts down from 16384 per family across all rules (vrrp_iprule.c l.854).
    const next = family === 'inet6' ? ctx.nextRulePriority6-- : ctx.nextRulePriority4--;
    out.metric = next;
    ctx.error(
      `Rule has no preference specified - setting to ${next}. This is probably not what you want.`,
      d.loc,
    );
  }
  out.family = family ?? 'inet';
  return out;
}
