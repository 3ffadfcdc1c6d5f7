/**
 * The RFC 1071 Internet checksum and the pseudo-headers VRRP uses (vrrp.md §1.4): v2 over the message only;
 * v3/IPv4 over an IPv4 pseudo-header as keepalived 2.2 sends it; v3/IPv6 over the RFC 8200 pseudo-header.
 */
import { parseAddress, type VrrpFamily } from './address.js';

/** IP protocol number of VRRP. */
export const IPPROTO_VRRP = 112;

/** Adds the 16-bit big-endian words of `buf[start, end)` to `acc` (an odd tail byte is zero-padded). */
export function onesSum(buf: Uint8Array, start: number, end: number, acc = 0): number {
  let sum = acc;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((buf[i] ?? 0) << 8) | (buf[i + 1] ?? 0);
  if (i < end) sum += (buf[i] ?? 0) << 8;
  return sum;
}

/** Folds a running sum into the final ones' complement checksum (0 means "verifies" when summed over one). */
export function foldChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/**
 * The running sum of the pseudo-header for a VRRP message of `length` bytes: IPv4 `src dst 0 112 len16`
 * (keepalived `ipv4_phdr_t`), IPv6 `src dst len32 0 0 0 112` (RFC 8200 §8.1). Undefined for bad addresses.
 */
export function pseudoHeaderSum(
  family: VrrpFamily,
  src: string,
  dst: string,
  length: number,
): number | undefined {
  const s = parseAddress(family, src);
  const d = parseAddress(family, dst);
  if (s === undefined || d === undefined) return undefined;
  let sum = onesSum(s, 0, s.length, 0);
  sum = onesSum(d, 0, d.length, sum);
  if (family === 'ipv4') return sum + IPPROTO_VRRP + (length & 0xffff);
  return sum + Math.floor(length / 0x10000) + (length & 0xffff) + IPPROTO_VRRP;
}

/** How a VRRPv3 checksum was (or is to be) computed. */
export type ChecksumForm = 'pseudo-header' | 'message-only';

/**
 * Computes the checksum of `msg` (its checksum field treated as zero) for the form given; for the
 * pseudo-header form `src`/`dst` must parse, else undefined.
 */
export function vrrpChecksum(
  msg: Uint8Array,
  form: ChecksumForm,
  family: VrrpFamily,
  src: string,
  dst: string,
): number | undefined {
  let sum = 0;
  if (form === 'pseudo-header') {
    const ph = pseudoHeaderSum(family, src, dst, msg.length);
    if (ph === undefined) return undefined;
    sum = ph;
  }
  sum = onesSum(msg, 0, Math.min(6, msg.length), sum);
  sum = onesSum(msg, 8, msg.length, sum);
  return foldChecksum(sum);
}
