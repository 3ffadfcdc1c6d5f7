import { isIP } from 'node:net';
import type { KeepalivedConfig } from '../../config/model/keepalived.js';

/** Which `ip_nonlocal_bind` sysctls are on in Tandem's network namespace. */
export interface NonlocalBind {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

/** VIP address (canonical text) → the vrrp_instances that carry it, in config order. */
export type VipOwners = ReadonlyMap<string, readonly string[]>;

/**
 * The canonical text of an IP literal, so `2001:DB8::0:1` in nginx.conf matches `2001:db8::1` in
 * keepalived.conf (inet_pton then inet_ntop, as both daemons compare them). Not an IP: unchanged.
 */
export function canonicalAddress(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 6) return bare;
  // URL's host parser applies RFC 5952's canonical form (lowercase, longest zero run as ::).
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

/** Every VIP of every instance (virtual_ipaddress and virtual_ipaddress_excluded), with its owners. */
export function vipOwnersOf(k: KeepalivedConfig | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of k?.vrrpInstances ?? []) {
    for (const a of [...i.virtualIpaddresses, ...i.virtualIpaddressesExcluded]) {
      const key = canonicalAddress(a.address);
      const list = out.get(key) ?? [];
      if (!list.includes(i.name)) list.push(i.name);
      out.set(key, list);
    }
  }
  return out;
}

/** Whether a listen host is the wildcard of its family (`0.0.0.0`, `::`, nginx's `*`). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '*' || host === '';
}

/**
 * How a listener binds: `now` at start, as nginx does; or `follow` the named instances, bound only
 * while one of them is MASTER. A listener follows when its address is a VIP and the kernel would
 * refuse a bind to an address the host does not have (`ip_nonlocal_bind` off for its family: bind()
 * gives EADDRNOTAVAIL). Node cannot set IP_FREEBIND or IP_TRANSPARENT on a listening socket, so those
 * never make a VIP bindable here. A wildcard or an address that is not a VIP binds now (and a
 * non-local one then fails at start with nginx's `bind() ... failed (99: ...)`).
 */
export type ListenMode =
  { readonly kind: 'now' } | { readonly kind: 'follow'; readonly instances: readonly string[] };

/** Decides {@link ListenMode} for one listen address. */
export function listenModeOf(host: string, owners: VipOwners, nonlocal: NonlocalBind): ListenMode {
  if (isWildcardHost(host)) return { kind: 'now' };
  const addr = canonicalAddress(host);
  const instances = owners.get(addr);
  if (instances === undefined || instances.length === 0) return { kind: 'now' };
  const on = isIP(addr) === 6 ? nonlocal.ipv6 : nonlocal.ipv4;
  return on ? { kind: 'now' } : { kind: 'follow', instances };
}

/**
 * The instances a listener serves, for the proxy health tracker: the owners of its address, or for a
 * wildcard every instance with a VIP of the same family (`listen 80` serves every VIP).
 */
export function servedInstances(host: string, owners: VipOwners): string[] {
  if (!isWildcardHost(host)) return [...(owners.get(canonicalAddress(host)) ?? [])];
  const v6 = host === '::';
  const out = new Set<string>();
  for (const [addr, list] of owners) if ((isIP(addr) === 6) === v6) for (const n of list) out.add(n);
  return [...out];
}
