import { internetChecksum } from '../../src/net/ip-header.js';
import { ipv4Bytes, ipv6Bytes } from '../../src/net/address-bytes.js';

/**
 * Hand-encoded VRRP adverts for the network-layer tests (vrrp.md §1.2-1.4), independent of the
 * plugin's codec so the I/O layer can be proven on its own.
 */
export function vrrpV2(
  vrid: number,
  priority: number,
  vips: readonly string[],
  password?: string,
  intervalS = 1,
): Buffer {
  const m = Buffer.alloc(8 + 4 * vips.length + 8);
  m[0] = 0x21;
  m[1] = vrid;
  m[2] = priority;
  m[3] = vips.length;
  m[4] = password === undefined ? 0 : 1;
  m[5] = intervalS;
  vips.forEach((v, i) => ipv4Bytes(v).copy(m, 8 + 4 * i));
  if (password !== undefined) Buffer.from(password.slice(0, 8), 'latin1').copy(m, 8 + 4 * vips.length);
  m.writeUInt16BE(internetChecksum(m), 6);
  return m;
}

/** A VRRPv3 advert; the checksum includes the IPv4 or IPv6 pseudo-header for `src` -> `dst` (keepalived's form). */
export function vrrpV3(
  vrid: number,
  priority: number,
  vips: readonly string[],
  src: string,
  dst: string,
  intervalCs = 100,
): Buffer {
  const v6 = src.includes(':');
  const size = v6 ? 16 : 4;
  const m = Buffer.alloc(8 + size * vips.length);
  m[0] = 0x31;
  m[1] = vrid;
  m[2] = priority;
  m[3] = vips.length;
  m.writeUInt16BE(intervalCs & 0x0fff, 4);
  vips.forEach((v, i) => (v6 ? ipv6Bytes(v) : ipv4Bytes(v)).copy(m, 8 + size * i));
  let pseudo: Buffer;
  if (v6) {
    pseudo = Buffer.alloc(40);
    ipv6Bytes(src).copy(pseudo, 0);
    ipv6Bytes(dst).copy(pseudo, 16);
    pseudo.writeUInt32BE(m.length, 32);
    pseudo[39] = 112;
  } else {
    pseudo = Buffer.alloc(12);
    ipv4Bytes(src).copy(pseudo, 0);
    ipv4Bytes(dst).copy(pseudo, 4);
    pseudo[9] = 112;
    pseudo.writeUInt16BE(m.length, 10);
  }
  m.writeUInt16BE(internetChecksum(pseudo, m), 6);
  return m;
}
