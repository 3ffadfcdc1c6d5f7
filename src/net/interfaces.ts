import { TandemError } from '../core/errors.js';
import type { IpCommand } from './ip-command.js';

/** One address on an interface as `ip -json addr` reports it. */
export interface InterfaceAddress {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefixLength: number;
  readonly scope: string;
  readonly label?: string;
  readonly broadcast?: string;
  readonly secondary: boolean;
}

/** What the VRRP I/O needs to know about an interface. */
export interface InterfaceInfo {
  readonly name: string;
  readonly index: number;
  readonly mac: string;
  /** Administratively up (`UP` flag). */
  readonly adminUp: boolean;
  /** Carrier present (`LOWER_UP` flag), keepalived's view of "up" for FAULT. */
  readonly lowerUp: boolean;
  readonly addresses: readonly InterfaceAddress[];
}

interface RawAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  scope?: string;
  label?: string;
  broadcast?: string;
  secondary?: boolean;
}

interface RawLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  address?: string;
  addr_info?: RawAddrInfo[];
}

/** Converts one entry of `ip -json addr show` to an {@link InterfaceInfo}. */
export function toInterfaceInfo(raw: RawLink): InterfaceInfo {
  const flags = raw.flags ?? [];
  return {
    name: raw.ifname,
    index: raw.ifindex,
    mac: raw.address ?? '00:00:00:00:00:00',
    adminUp: flags.includes('UP'),
    lowerUp: flags.includes('LOWER_UP'),
    addresses: (raw.addr_info ?? []).map((a) => ({
      family: a.family === 'inet6' ? 'ipv6' : 'ipv4',
      address: a.local,
      prefixLength: a.prefixlen,
      scope: a.scope ?? 'global',
      ...(a.label === undefined ? {} : { label: a.label }),
      ...(a.broadcast === undefined ? {} : { broadcast: a.broadcast }),
      secondary: a.secondary === true,
    })),
  };
}

/**
 * Reads an interface; a missing one is a TANDEM_ERR_NO_INTERFACE naming it (and `context`, e.g.
 * `vrrp_instance VI_1`), which the daemon reports at start instead of failing later on a socket.
 */
export async function readInterface(ip: IpCommand, name: string, context?: string): Promise<InterfaceInfo> {
  let raw: RawLink[];
  try {
    raw = await ip.json<RawLink>(['addr', 'show', 'dev', name]);
  } catch (err) {
    const where = context === undefined ? '' : ` (${context})`;
    const ns = ip.netns === undefined ? '' : ` in namespace ${ip.netns}`;
    throw new TandemError('TANDEM_ERR_NO_INTERFACE', `interface ${name} does not exist${ns}${where}`, {
      cause: err,
    });
  }
  const first = raw[0];
  if (first === undefined)
    throw new TandemError('TANDEM_ERR_NO_INTERFACE', `interface ${name} does not exist`);
  return toInterfaceInfo(first);
}

/**
 * The interface's primary IPv4 address: the first non-secondary global address, which keepalived
 * uses as the advert source when `mcast_src_ip` / `unicast_src_ip` is not set (RFC 5798 §5.1.1.1).
 */
export function primaryIpv4(info: InterfaceInfo): string | undefined {
  const v4 = info.addresses.filter((a) => a.family === 'ipv4');
  return (v4.find((a) => !a.secondary) ?? v4[0])?.address;
}

/** The interface's IPv6 link-local address, the advert source for VRRPv3 over IPv6 (RFC 5798 §5.1.2.1). */
export function linkLocalIpv6(info: InterfaceInfo): string | undefined {
  return info.addresses.find((a) => a.family === 'ipv6' && a.scope === 'link')?.address;
}
