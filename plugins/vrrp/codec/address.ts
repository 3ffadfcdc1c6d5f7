/**
 * IPv4/IPv6 text ↔ bytes for the VRRP codec. Written here (not `node:net`) because the codec needs the raw
 * bytes for checksums and the numeric compare of keepalived's master tie-break, and must never throw.
 */

/** An address family as VRRP sees it. */
export type VrrpFamily = 'ipv4' | 'ipv6';

/** Parses dotted-quad IPv4 text into 4 bytes, or undefined when it is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** Parses IPv6 text (with `::` and an optional embedded IPv4 tail) into 16 bytes, or undefined. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const t = zone >= 0 ? text.slice(0, zone) : text;
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const groups = s.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] ?? '';
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (v4 === undefined) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = words(halves[0] ?? '');
  const tail = halves.length === 2 ? words(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

/** Parses an address of the given family. */
export function parseAddress(family: VrrpFamily, text: string): Uint8Array | undefined {
  return family === 'ipv4' ? parseIPv4(text) : parseIPv6(text);
}

/** Formats 4 bytes at `offset` as dotted-quad text (as `inet_ntop(AF_INET)` does). */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** Formats 16 bytes at `offset` as RFC 5952 text (longest zero run compressed, as `inet_ntop(AF_INET6)`). */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((bytes[offset + i * 2] ?? 0) << 8) | (bytes[offset + i * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}

/** Formats an address of the given family at `offset`. */
export function formatAddress(family: VrrpFamily, bytes: Uint8Array, offset = 0): string {
  return family === 'ipv4' ? formatIPv4(bytes, offset) : formatIPv6(bytes, offset);
}

/** The length in bytes of one address of `family`. */
export function addressLength(family: VrrpFamily): 4 | 16 {
  return family === 'ipv4' ? 4 : 16;
}

/**
 * Compares two addresses as unsigned big-endian integers (keepalived `inet_inaddrcmp`, RFC 5798 §6.4.3
 * tie-break): negative when `a < b`, 0 when equal, positive when `a > b`. Unparsable text sorts lowest.
 */
export function compareAddresses(family: VrrpFamily, a: string, b: string): number {
  const x = parseAddress(family, a);
  const y = parseAddress(family, b);
  if (x === undefined || y === undefined) return (x === undefined ? 0 : 1) - (y === undefined ? 0 : 1);
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether `text` is an IPv4 multicast (224/4) or IPv6 multicast (ff00::/8) address. */
export function isMulticast(family: VrrpFamily, text: string): boolean {
  const b = parseAddress(family, text);
  if (b === undefined) return false;
  return family === 'ipv4' ? ((b[0] ?? 0) & 0xf0) === 0xe0 : b[0] === 0xff;
}
