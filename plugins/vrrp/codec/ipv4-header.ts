/**
 * The IPv4 header keepalived builds for its adverts (`vrrp_build_ip4`: TOS 0xC0, TTL 255, no DF, protocol
 * 112), and a parser for received datagrams, which a raw IPv4 socket delivers with their header.
 */
import { formatIPv4, parseIPv4 } from './address.js';
import { foldChecksum, IPPROTO_VRRP, onesSum } from './checksum.js';

/** What a received IPv4 header says, as the VRRP receive path needs it. */
export interface IPv4HeaderInfo {
  readonly headerLength: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
}

/** Parses the IPv4 header at the start of `datagram`; undefined when it is not a plausible IPv4 header. */
export function parseIPv4Header(datagram: Uint8Array): IPv4HeaderInfo | undefined {
  if (datagram.length < 20) return undefined;
  const b0 = datagram[0] ?? 0;
  if (b0 >> 4 !== 4) return undefined;
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < 20 || headerLength > datagram.length) return undefined;
  return {
    headerLength,
    tos: datagram[1] ?? 0,
    totalLength: ((datagram[2] ?? 0) << 8) | (datagram[3] ?? 0),
    ttl: datagram[8] ?? 0,
    protocol: datagram[9] ?? 0,
    src: formatIPv4(datagram, 12),
    dst: formatIPv4(datagram, 16),
  };
}

/** Options for {@link buildIPv4Header}. */
export interface IPv4HeaderOptions {
  readonly src: string;
  readonly dst: string;
  readonly payloadLength: number;
  readonly id?: number;
  readonly ttl?: number;
  readonly tos?: number;
  readonly protocol?: number;
}

/** Builds a 20-byte IPv4 header with its checksum, as keepalived's `vrrp_build_ip4` does. */
export function buildIPv4Header(o: IPv4HeaderOptions): Uint8Array {
  const h = new Uint8Array(20);
  const total = 20 + o.payloadLength;
  h[0] = 0x45;
  h[1] = o.tos ?? 0xc0;
  h[2] = (total >> 8) & 0xff;
  h[3] = total & 0xff;
  const id = o.id ?? 0;
  h[4] = (id >> 8) & 0xff;
  h[5] = id & 0xff;
  h[8] = o.ttl ?? 255;
  h[9] = o.protocol ?? IPPROTO_VRRP;
  h.set(parseIPv4(o.src) ?? new Uint8Array(4), 12);
  h.set(parseIPv4(o.dst) ?? new Uint8Array(4), 16);
  const c = foldChecksum(onesSum(h, 0, 20));
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return h;
}
