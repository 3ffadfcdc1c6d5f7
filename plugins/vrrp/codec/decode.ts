/**
 * Decodes a VRRP message from bytes. Never throws, whatever the bytes: a message shorter than the fixed
 * header is `undefined` (keepalived `vrrp_get_header` refuses it too); anything longer yields every field
 * that the bytes contain, and validation (validate.ts) decides whether it is acceptable.
 */
import { addressLength, formatAddress, type VrrpFamily } from './address.js';
import { VRRP_AUTH_LEN, VRRP_HEADER_LEN, type VrrpAdvert } from './advert.js';

/** Decodes the VRRP message in `msg` (the IP payload) for an instance of `family`. */
export function decodeAdvert(msg: Uint8Array, family: VrrpFamily): VrrpAdvert | undefined {
  if (msg.length < VRRP_HEADER_LEN) return undefined;
  const b0 = msg[0] ?? 0;
  const version = b0 >> 4;
  const addrCount = msg[3] ?? 0;
  const alen = addressLength(family);
  const addresses: string[] = [];
  for (let i = 0; i < addrCount; i++) {
    const off = VRRP_HEADER_LEN + i * alen;
    if (off + alen > msg.length) break;
    addresses.push(formatAddress(family, msg, off));
  }
  const authOff = VRRP_HEADER_LEN + addrCount * alen;
  const v2 = version === 2;
  const authData =
    v2 && family === 'ipv4' && authOff + VRRP_AUTH_LEN <= msg.length
      ? msg.slice(authOff, authOff + VRRP_AUTH_LEN)
      : undefined;
  return {
    version,
    type: b0 & 0x0f,
    vrid: msg[1] ?? 0,
    priority: msg[2] ?? 0,
    addrCount,
    authType: v2 ? (msg[4] ?? 0) : 0,
    advertInt: v2 ? (msg[5] ?? 0) : (((msg[4] ?? 0) & 0x0f) << 8) | (msg[5] ?? 0),
    checksum: ((msg[6] ?? 0) << 8) | (msg[7] ?? 0),
    addresses,
    authData,
    length: msg.length,
  };
}
