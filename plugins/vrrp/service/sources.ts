/**
 * Where the VRRP service's per-namespace state lives, and each instance's advert source address.
 */
import { statSync } from 'node:fs';
import {
  IpCommand,
  linkLocalIpv6,
  primaryIpv4,
  readInterface,
  type KeepalivedConfig,
} from '../../../src/index.js';

/**
 * Where Tandem records the addresses, routes and rules it added. Those belong to a network
 * namespace, so the file is per namespace: two daemons in two namespaces never share one.
 */
export function ownershipFile(): string {
  let ns = 'default';
  try {
    ns = String(statSync('/proc/self/ns/net').ino);
  } catch {
    // No /proc: one file for the host.
  }
  return `/run/tandem/vrrp-owned-net${ns}.json`;
}

/** Each instance's source: `unicast_src_ip`/`mcast_src_ip`, else its interface's primary address. */
export async function sourcesOf(model: KeepalivedConfig): Promise<Map<string, string>> {
  const ip = new IpCommand();
  const out = new Map<string, string>();
  for (const i of model.vrrpInstances) {
    if (i.sourceAddress !== undefined) {
      out.set(i.name, i.sourceAddress);
      continue;
    }
    const iface = i.interface ?? model.globalDefs.defaultInterface;
    const info = await readInterface(ip, iface, `vrrp_instance ${i.name}`);
    const addr = i.family === 'inet' ? primaryIpv4(info) : linkLocalIpv6(info);
    if (addr === undefined) {
      throw new Error(
        `(${i.name}) interface ${iface} has no ${i.family === 'inet' ? 'IPv4' : 'IPv6 link-local'} address to send adverts from`,
      );
    }
    out.set(i.name, addr);
  }
  return out;
}
