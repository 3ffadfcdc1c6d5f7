/**
 * Address items of virtual_ipaddress, virtual_ipaddress_excluded and static_ipaddress
 * (keepalived vrrp_ipaddress.c `parse_ipaddress` / `alloc_ipaddress`, reference §1.4).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Directive, Word } from '../../directive.js';
import type { AddressFamily, IpAddressConfig } from '../../model/keepalived.js';
import type { SourceLoc } from '../../source-loc.js';
import type { KaContext } from './context.js';
import { vipVmacNotSupported } from './unsupported.js';

/** Parses a bare address the way inet_pton does; the family is chosen by the presence of ':'. */
export function parseIp(text: string): { family: AddressFamily; address: string } | undefined {
  if (text.includes(':')) return isIPv6(text) ? { family: 'inet6', address: text.toLowerCase() } : undefined;
  return isIPv4(text) ? { family: 'inet', address: text } : undefined;
}

const SCOPES: Record<string, number> = {
  global: 0,
  universe: 0,
  site: 200,
  link: 253,
  host: 254,
  nowhere: 255,
};

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}
const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** Options for {@link adaptIpAddress}. */
export interface AddressOptions {
  readonly isStatic: boolean;
}

/** Reads one address line (the directive's name is the address); undefined when keepalived drops it. */
export function adaptIpAddress(
  ctx: KaContext,
  d: Directive,
  opts: AddressOptions,
): IpAddressConfig | undefined {
  const words: Word[] = [{ text: d.name, loc: d.loc, quoted: false }, ...d.args];
  const first = d.name;
  const slash = first.indexOf('/');
  const ip = parseIp(slash < 0 ? first : first.slice(0, slash));
  const family: AddressFamily = first.includes(':') ? 'inet6' : 'inet';
  let prefix = family === 'inet6' ? 128 : 32;
  if (slash >= 0) {
    const w: Word = { text: first.slice(slash + 1), loc: d.loc, quoted: false };
    const v = ctx.unsigned(w, 0, prefix);
    if (v === undefined)
      ctx.error(`Invalid address prefix len ${w.text} for address ${first} - using ${prefix}`, d.loc);
    else prefix = v;
  }
  if (ip === undefined) {
    ctx.error(`VRRP parsed invalid IP ${first}. skipping IP...`, d.loc);
    return undefined;
  }
  const out: { -readonly [K in keyof IpAddressConfig]: IpAddressConfig[K] } = {
    family,
    address: ip.address,
    prefix,
    scope: 'global',
    home: false,
    noDad: false,
    mngtmpaddr: false,
    noPrefixRoute: false,
    autojoin: false,
    noTrack: false,
    useVmac: false,
    text: words.map((w) => w.text).join(' '),
    loc: d.loc,
  };
  let brd: string | undefined;
  let haveBroadcast = false;
  let preferredSet = false;
  let vmacLoc: SourceLoc | undefined;
  for (let i = 1; i < words.length; i++) {
    const key = words[i]?.text ?? '';
    const param = words[i + 1];
    const needs = ['dev', 'scope', 'broadcast', 'brd', 'label', 'peer', 'preferred_lft', 'track_group'];
    if (needs.includes(key) && !(key === 'track_group' && !opts.isStatic) && param === undefined) {
      ctx.error(`No ${key} parameter specified for ${first}`, d.loc);
      return undefined;
    }
    const p = param?.text ?? '';
    if (key === 'dev') {
      if (out.dev !== undefined) {
        ctx.error(`Cannot specify ipaddress device more than once for ${first}`, d.loc);
        return undefined;
      }
      if (ctx.host.interfaceKind(p) === 'missing') {
        ctx.missingInterface(`WARNING - interface ${p} for ip address ${first} doesn't exist`, d.loc);
        return undefined;
      }
      out.dev = p;
      i++;
    } else if (key === 'scope') {
      if (SCOPES[p] === undefined && !/^\d+$/.test(p))
        ctx.error(`Invalid scope '${p}' specified for ${first} - ignoring`, d.loc);
      else out.scope = p === 'universe' ? 'global' : p;
      i++;
    } else if (key === 'broadcast' || key === 'brd') {
      if (family === 'inet6') {
        ctx.error(
          `VRRP is trying to assign a broadcast ${key} to the IPv6 address ${first} !!?? WTF... skipping VIP...`,
          d.loc,
        );
        return undefined;
      }
      haveBroadcast = true;
      if (p === '-' || p === '+') brd = p;
      else if (!isIPv4(p)) {
        ctx.error(`VRRP is trying to assign invalid broadcast ${p}. skipping VIP...`, d.loc);
        return undefined;
      } else out.broadcast = p;
      i++;
    } else if (key === 'label') {
      if (p.length >= 16) {
        ctx.error(`Address label ${p} is longer than maximum length 15 - removing address`, d.loc);
        return undefined;
      }
      out.label = p;
      i++;
    } else if (key === 'peer') {
      i++;
      const peer = parseIp(p);
      if (out.peer !== undefined) ctx.error(`Peer ${p} - another peer has already been specified`, d.loc);
      else if (peer === undefined) {
        // parse_ipaddress without a prefix allowed: `peer X/32` is an invalid IP first.
        ctx.error(`VRRP parsed invalid IP ${p}. skipping IP...`, d.loc);
        ctx.error(`Invalid peer address ${p}`, d.loc);
      } else if (peer.family !== family) ctx.error(`Peer address ${p} does not match address family`, d.loc);
      else out.peer = peer.address;
    } else if (key === 'home') out.home = true;
    else if (key === '-nodad') out.noDad = true;
    else if (key === 'mngtmpaddr') out.mngtmpaddr = true;
    else if (key === 'noprefixroute') out.noPrefixRoute = true;
    else if (key === 'autojoin') out.autojoin = true;
    else if (key === 'no_track') out.noTrack = true;
    else if (key === 'preferred_lft') {
      i++;
      if (p === 'forever') out.preferredLft = 'forever';
      else if (param !== undefined) {
        const v = ctx.unsigned(param, 0, 4294967295);
        if (v === undefined) ctx.error(`preferred_lft ${p} is invalid`, d.loc);
        else out.preferredLft = v;
      }
      preferredSet = out.preferredLft !== undefined;
    } else if (opts.isStatic && key === 'track_group') {
      out.trackGroup = p;
      i++;
    } else if (!opts.isStatic && key === 'use_vmac') {
      out.useVmac = true;
      vmacLoc = words[i]?.loc;
    } else ctx.error(`Unknown configuration entry '${key}' for ip address - ignoring`, d.loc);
  }
  if (haveBroadcast && out.peer !== undefined) {
    ctx.error('Cannot specify broadcast and peer addresses - ignoring broadcast address', d.loc);
    delete out.broadcast;
  } else if (brd !== undefined && prefix <= 30) {
    const base = ipv4ToInt(out.peer ?? out.address);
    const mask = prefix === 0 ? 0xffffffff : (0xffffffff >>> prefix) >>> 0;
    out.broadcast = intToIpv4(brd === '+' ? (base | mask) >>> 0 : (base & ~mask) >>> 0);
  } else if (brd !== undefined) ctx.error(`Address prefix length ${prefix} too long for broadcast`, d.loc);
  if (family === 'inet6') {
    if (out.scope !== 'global') {
      ctx.error(`Cannot specify scope for IPv6 addresses (${first}) - ignoring scope`, d.loc);
      out.scope = 'global';
    }
    if (out.label !== undefined) {
      ctx.error(`Cannot specify label for IPv6 addresses (${first}) - ignoring label`, d.loc);
      delete out.label;
    }
    if (!preferredSet) out.preferredLft = prefix === 128 ? 0 : 'forever';
  }
  if (vmacLoc !== undefined) vipVmacNotSupported(ctx, vmacLoc);
  return out;
}
