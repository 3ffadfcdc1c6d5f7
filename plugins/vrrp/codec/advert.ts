/**
 * The VRRP advertisement as Tandem holds it after decoding, and its byte layout (RFC 3768 §5.1, RFC 5798 §5.1).
 */
import type { VrrpFamily } from './address.js';

/** Bytes of the fixed VRRP header (keepalived `vrrphdr_t`). */
export const VRRP_HEADER_LEN = 8;
/** Bytes of v2 authentication data after the addresses. */
export const VRRP_AUTH_LEN = 8;
/** VRRP packet type: advertisement, the only one defined. */
export const VRRP_TYPE_ADVERT = 1;

/** v2 authentication types (RFC 2338 §5.3.6). */
export type VrrpAuthType = 0 | 1 | 2;

/** A decoded VRRP message, field by field; nothing here has been validated against an instance yet. */
export interface VrrpAdvert {
  /** High nibble of byte 0: 2 or 3 on a valid packet, anything on a hostile one. */
  readonly version: number;
  /** Low nibble of byte 0: 1 (advertisement) on a valid packet. */
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  /** "Count IP Addrs" as sent (not the number of addresses actually present). */
  readonly addrCount: number;
  /** v2 byte 4; 0 for v3. */
  readonly authType: number;
  /** The interval field: whole seconds (v2, byte 5) or the 12-bit centiseconds (v3). */
  readonly advertInt: number;
  /** The checksum field as received. */
  readonly checksum: number;
  /** The addresses present in the bytes (at most `addrCount`). */
  readonly addresses: readonly string[];
  /** v2: the 8 authentication bytes when present. */
  readonly authData: Uint8Array | undefined;
  /** The number of bytes of the message. */
  readonly length: number;
}

/** The expected VRRP message length for a header (keepalived `expected_vrrp_pkt_len`): v2 adds auth data. */
export function expectedMessageLength(family: VrrpFamily, version: number, addrCount: number): number {
  if (family === 'ipv6') return VRRP_HEADER_LEN + 16 * addrCount;
  return VRRP_HEADER_LEN + 4 * addrCount + (version === 2 ? VRRP_AUTH_LEN : 0);
}
