import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { Model } from '../../config/model/index.js';
import { configError, type Diagnostic } from '../../core/diagnostic.js';
import { locatedBindMessage } from './bind-error.js';
import { canonicalAddress, isWildcardHost, vipOwnersOf, type NonlocalBind } from './listen-decision.js';
import { readNonlocalBind } from './nonlocal-bind.js';

/** What the check needs of the host: its addresses and `ip_nonlocal_bind`. */
export interface ListenHost {
  /** Every address on this host's interfaces, canonical text. */
  readonly local: ReadonlySet<string>;
  readonly nonlocal: NonlocalBind;
}

/** The addresses of this network namespace's interfaces and its `ip_nonlocal_bind` sysctls. */
export function systemListenHost(): ListenHost {
  const local = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) local.add(canonicalAddress(a.address.split('%')[0] ?? a.address));
  return { local, nonlocal: readNonlocalBind() };
}

/**
 * `tandem -t` (and every reload) refuses a listen address the start would fail to bind, as `nginx -t`
 * does by binding (`bind() to 198.51.100.99:80 failed (99: Cannot assign requested address)`): an
 * IP literal that is not on this host, not a VIP of any vrrp_instance (those bind when MASTER), with
 * `ip_nonlocal_bind` off for its family. A host name is left to the start, as its addresses are.
 */
export function listenAddressDiagnostics(model: Model, host: ListenHost = systemListenHost()): Diagnostic[] {
  const owners = vipOwnersOf(model.keepalived);
  const out: Diagnostic[] = [];
  const servers = [...(model.nginx?.http?.servers ?? []), ...(model.nginx?.stream?.servers ?? [])];
  const seen = new Set<string>();
  for (const s of servers) {
    for (const l of s.listen) {
      if (l.unixPath !== undefined) continue;
      for (const address of l.addresses) {
        if (isWildcardHost(address) || isIP(address) === 0) continue;
        const addr = canonicalAddress(address);
        const family = isIP(addr) === 6 ? host.nonlocal.ipv6 : host.nonlocal.ipv4;
        if (host.local.has(addr) || owners.has(addr) || family) continue;
        const key = `${addr}:${l.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(configError('TANDEM_LISTEN_BIND', locatedBindMessage(addr, l.port), l.loc));
      }
    }
  }
  return out;
}
