/**
 * Encodes VRRP advertisements byte for byte as keepalived 2.2 does (`vrrp_build_vrrp_v2`/`_v3`): v2 with the
 * interval in whole seconds and 8 bytes of auth data (the PASS password zero-padded), v3 with the 12-bit
 * centisecond interval; checksums per vrrp.md §1.4.
 */
import { addressLength, parseAddress, type VrrpFamily } from './address.js';
import { VRRP_AUTH_LEN, VRRP_HEADER_LEN, VRRP_TYPE_ADVERT } from './advert.js';
import { vrrpChecksum, type ChecksumForm } from './checksum.js';

/** Everything needed to build one advertisement. */
export interface EncodeAdvertOptions {
  readonly version: 2 | 3;
  readonly family: VrrpFamily;
  readonly vrid: number;
  readonly priority: number;
  /** v2: whole seconds (1-255); v3: centiseconds (1-4095). */
  readonly advertInt: number;
  /** The advertised addresses (the instance's VIPs, not the excluded ones). */
  readonly addresses: readonly string[];
  /** v2 only: 0 none, 1 PASS. */
  readonly authType?: 0 | 1;
  /** v2 PASS: the password; only its first 8 bytes are sent, zero-padded (keepalived truncates to 8). */
  readonly password?: string;
  /** The IP source and destination, for the v3 pseudo-header. */
  readonly src: string;
  readonly dst: string;
  /** v3/IPv4 only: keepalived 2.2 sends `pseudo-header` (default); `message-only` is RFC 9568 style. */
  readonly checksumForm?: ChecksumForm;
}

/** The 8 bytes of v2 PASS authentication data for a password (truncated to 8 bytes, zero-padded). */
export function passwordBytes(password: string): Uint8Array {
  const out = new Uint8Array(VRRP_AUTH_LEN);
  out.set(new TextEncoder().encode(password).subarray(0, VRRP_AUTH_LEN));
  return out;
}

/** Encodes one advertisement; addresses that do not parse are sent as zeros (the model rejects them first). */
export function encodeAdvert(o: EncodeAdvertOptions): Uint8Array {
  const alen = addressLength(o.family);
  const v2 = o.version === 2 && o.family === 'ipv4';
  const len = VRRP_HEADER_LEN + alen * o.addresses.length + (v2 ? VRRP_AUTH_LEN : 0);
  const msg = new Uint8Array(len);
  msg[0] = (o.version << 4) | VRRP_TYPE_ADVERT;
  msg[1] = o.vrid & 0xff;
  msg[2] = o.priority & 0xff;
  msg[3] = o.addresses.length & 0xff;
  if (v2) {
    msg[4] = o.authType ?? 0;
    msg[5] = o.advertInt & 0xff;
  } else {
    msg[4] = (o.advertInt >> 8) & 0x0f;
    msg[5] = o.advertInt & 0xff;
  }
  o.addresses.forEach((a, i) => {
    const bytes = parseAddress(o.family, a);
    if (bytes !== undefined) msg.set(bytes, VRRP_HEADER_LEN + i * alen);
  });
  if (v2 && o.authType === 1) msg.set(passwordBytes(o.password ?? ''), len - VRRP_AUTH_LEN);
  const form: ChecksumForm = v2
    ? 'message-only'
    : o.family === 'ipv6'
      ? 'pseudo-header'
      : (o.checksumForm ?? 'pseudo-header');
  const sum =
    vrrpChecksum(msg, form, o.family, o.src, o.dst) ??
    vrrpChecksum(msg, 'message-only', o.family, o.src, o.dst) ??
    0;
  msg[6] = sum >> 8;
  msg[7] = sum & 0xff;
  return msg;
}
