import { endianness } from 'node:os';
import { ipv4Bytes, ipv6Bytes } from './address-bytes.js';

/**
 * Linux socket option numbers raw-socket does not export (`linux/in.h`, `linux/in6.h`,
 * `asm-generic/socket.h`). raw-socket passes any number straight to setsockopt(2).
 */
export const SOL = { SOCKET: 1, IP: 0, IPV6: 41 } as const;

/** SOL_SOCKET options. */
export const SO = { BINDTODEVICE: 25, RCVBUF: 8 } as const;

/** IPPROTO_IP options. */
export const IP = {
  TOS: 1,
  TTL: 2,
  HDRINCL: 3,
  MULTICAST_IF: 32,
  MULTICAST_TTL: 33,
  MULTICAST_LOOP: 34,
  ADD_MEMBERSHIP: 35,
  DROP_MEMBERSHIP: 36,
  MULTICAST_ALL: 49,
} as const;

/** IPPROTO_IPV6 options. */
export const IPV6 = {
  CHECKSUM: 7,
  UNICAST_HOPS: 16,
  MULTICAST_IF: 17,
  MULTICAST_HOPS: 18,
  MULTICAST_LOOP: 19,
  ADD_MEMBERSHIP: 20,
  DROP_MEMBERSHIP: 21,
  MULTICAST_ALL: 29,
  HDRINCL: 36,
  TCLASS: 67,
} as const;

const le = endianness() === 'LE';

function writeInt(buf: Buffer, value: number, offset: number): void {
  if (le) buf.writeInt32LE(value, offset);
  else buf.writeInt32BE(value, offset);
}

/** A NUL-terminated device name for SO_BINDTODEVICE. */
export function deviceName(name: string): Buffer {
  return Buffer.from(`${name}\0`, 'latin1');
}

/**
 * `struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }` (12 bytes) for
 * IP_ADD_MEMBERSHIP and IP_MULTICAST_IF: the interface is named by index, so the join lands on the
 * instance's interface even when the address is also configured elsewhere.
 */
export function ipMreqn(group: string | undefined, address: string | undefined, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  if (group !== undefined) ipv4Bytes(group).copy(b, 0);
  if (address !== undefined) ipv4Bytes(address).copy(b, 4);
  writeInt(b, ifindex, 8);
  return b;
}

/** `struct ipv6_mreq { in6_addr multiaddr; int ifindex; }` (20 bytes) for IPV6_ADD_MEMBERSHIP. */
export function ipv6Mreq(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(20);
  ipv6Bytes(group).copy(b, 0);
  writeInt(b, ifindex, 16);
  return b;
}

/** A native-endian `int` buffer, for options that take an int by pointer (IPV6_MULTICAST_IF). */
export function intBuffer(value: number): Buffer {
  const b = Buffer.alloc(4);
  writeInt(b, value, 0);
  return b;
}
