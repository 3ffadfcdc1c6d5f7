import { formatIpv4 } from './address-bytes.js';

/** IP protocol number of VRRP (RFC 5798 §5.1.1.4). */
export const IPPROTO_VRRP = 112;

/** keepalived's IPv4 TOS / IPv6 traffic class on adverts: 0xC0, CS6 "network control" (measured, vrrp.md §1.1). */
export const VRRP_TOS = 0xc0;

/**
 * Builds an IPv4 packet the way keepalived's `vrrp_build_ip4` does: TOS 0xC0, no DF, the given TTL,
 * id and checksum 0 so the kernel fills them (IP_HDRINCL semantics, raw(7)).
 */
export function buildIpv4Packet(
  src: Uint8Array,
  dst: Uint8Array,
  payload: Uint8Array,
  ttl: number,
  protocol = IPPROTO_VRRP,
  tos = VRRP_TOS,
): Buffer {
  const b = Buffer.alloc(20 + payload.length);
  b[0] = 0x45;
  b[1] = tos;
  b.writeUInt16BE(20 + payload.length, 2);
  b[8] = ttl;
  b[9] = protocol;
  b.set(src, 12);
  b.set(dst, 16);
  b.set(payload, 20);
  return b;
}

/**
 * Builds an IPv6 packet (40-byte header, no extension headers) for an IPV6_HDRINCL raw socket:
 * traffic class 0xC0, flow label 0, the given hop limit. The payload's checksum must already be
 * right for `src`/`dst`: the kernel does not touch a header-included packet.
 */
export function buildIpv6Packet(
  src: Uint8Array,
  dst: Uint8Array,
  payload: Uint8Array,
  hopLimit: number,
  nextHeader = IPPROTO_VRRP,
  trafficClass = VRRP_TOS,
): Buffer {
  const b = Buffer.alloc(40 + payload.length);
  b.writeUInt32BE(((6 << 28) | (trafficClass << 20)) >>> 0, 0);
  b.writeUInt16BE(payload.length, 4);
  b[6] = nextHeader;
  b[7] = hopLimit;
  b.set(src, 8);
  b.set(dst, 24);
  b.set(payload, 40);
  return b;
}

/** The parts of a received IPv4 datagram the VRRP receive path needs (offsets per RFC 791). */
export interface Ipv4View {
  readonly headerLength: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
}

/** Reads the IPv4 header a raw IPv4 socket delivers in front of every datagram; undefined if malformed. */
export function viewIpv4(datagram: Uint8Array): Ipv4View | undefined {
  const b0 = datagram[0] ?? 0;
  if (datagram.length < 20 || b0 >> 4 !== 4) return undefined;
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < 20 || headerLength > datagram.length) return undefined;
  return {
    headerLength,
    ttl: datagram[8] ?? 0,
    protocol: datagram[9] ?? 0,
    src: formatIpv4(datagram, 12),
    dst: formatIpv4(datagram, 16),
  };
}

/**
 * The RFC 1071 ones' complement checksum over `parts` (concatenated), as VRRP and ICMPv6 use.
 * Pure JS so callers need not hand Buffers to the addon on the hot path.
 */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  let carry = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const byte = p[i] ?? 0;
      if (odd) sum += carry | byte;
      else carry = byte << 8;
      odd = !odd;
    }
  }
  if (odd) sum += carry;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
