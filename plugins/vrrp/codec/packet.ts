/**
 * What a receiving socket hands the VRRP core: the VRRP message plus what the socket knows about the IP
 * packet around it (addresses, TTL/hop limit, and for IPv4 the header itself).
 */
import type { VrrpFamily } from './address.js';
import { IPPROTO_VRRP } from './checksum.js';
import { parseIPv4Header } from './ipv4-header.js';

/** One received VRRP packet. */
export interface ReceivedVrrpPacket {
  readonly family: VrrpFamily;
  /** The interface it arrived on (instances are looked up by interface, family and VRID). */
  readonly interface: string;
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit (`IPV6_HOPLIMIT`); undefined when unknown, and then not checked (keepalived -1). */
  readonly ttl?: number | undefined;
  /** The VRRP message: the IP payload. */
  readonly payload: Uint8Array;
  /** IPv4: the IP header as received, used for keepalived's length, `tot_len` and AH checks. */
  readonly ipHeader?: Uint8Array | undefined;
}

/** IP protocol number of IPsec AH, which keepalived also listens on for `auth_type AH`. */
export const IPPROTO_AH = 51;

/**
 * Splits a whole IPv4 datagram (as a raw IPv4 socket delivers it) into a {@link ReceivedVrrpPacket};
 * undefined when the bytes do not start with a usable IPv4 header.
 */
export function packetFromIPv4Datagram(iface: string, datagram: Uint8Array): ReceivedVrrpPacket | undefined {
  const h = parseIPv4Header(datagram);
  if (h === undefined) return undefined;
  return {
    family: 'ipv4',
    interface: iface,
    src: h.src,
    dst: h.dst,
    ttl: h.ttl,
    payload: datagram.subarray(h.headerLength),
    ipHeader: datagram.subarray(0, h.headerLength),
  };
}

/** The IP protocol of a packet (112 unless its IPv4 header says otherwise). */
export function packetProtocol(p: ReceivedVrrpPacket): number {
  return p.ipHeader !== undefined && p.ipHeader.length >= 10 ? (p.ipHeader[9] ?? IPPROTO_VRRP) : IPPROTO_VRRP;
}
