/**
 * IEEE CRC-32 (zlib's `crc32()`, nginx `ngx_crc32_*`) in nginx's three steps so keys can be hashed
 * in pieces without building strings: `crc32Final(crc32Update(CRC32_INIT, ...))`.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The running value before any byte (nginx `ngx_crc32_init`). */
export const CRC32_INIT = 0xffffffff;

/** Feeds one byte. */
export function crc32Byte(crc: number, b: number): number {
  return ((TABLE[(crc ^ b) & 0xff] ?? 0) ^ (crc >>> 8)) >>> 0;
}

/** Feeds the bytes of `bytes`. */
export function crc32Bytes(crc: number, bytes: Uint8Array): number {
  let c = crc;
  for (const b of bytes) c = crc32Byte(c, b);
  return c;
}

/** Feeds the UTF-8 bytes of `s` (nginx hashes the raw bytes of the evaluated key), allocation-free. */
export function crc32String(crc: number, s: string): number {
  let c = crc;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp < 0x80) {
      c = crc32Byte(c, cp);
      continue;
    }
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x800) {
      c = crc32Byte(c, 0xc0 | (cp >> 6));
    } else if (cp < 0x10000) {
      c = crc32Byte(c, 0xe0 | (cp >> 12));
      c = crc32Byte(c, 0x80 | ((cp >> 6) & 0x3f));
    } else {
      c = crc32Byte(c, 0xf0 | (cp >> 18));
      c = crc32Byte(c, 0x80 | ((cp >> 12) & 0x3f));
      c = crc32Byte(c, 0x80 | ((cp >> 6) & 0x3f));
    }
    if (cp >= 0x80) c = crc32Byte(c, 0x80 | (cp & 0x3f));
  }
  return c;
}

/** Feeds the decimal digits of a non-negative integer (nginx `"%ui"`) without a string. */
export function crc32Decimal(crc: number, n: number): number {
  if (n >= 10) crc = crc32Decimal(crc, Math.floor(n / 10));
  return crc32Byte(crc, 0x30 + (n % 10));
}

/** Feeds a 32-bit value as four little-endian bytes (the consistent-hash `prev_hash`). */
export function crc32Uint32LE(crc: number, v: number): number {
  let c = crc32Byte(crc, v & 0xff);
  c = crc32Byte(c, (v >>> 8) & 0xff);
  c = crc32Byte(c, (v >>> 16) & 0xff);
  return crc32Byte(c, (v >>> 24) & 0xff);
}

/** Finishes a running value (nginx `ngx_crc32_final`). */
export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of a whole string's UTF-8 bytes (nginx `ngx_crc32_long`). */
export function crc32(s: string): number {
  return crc32Final(crc32String(CRC32_INIT, s));
}
