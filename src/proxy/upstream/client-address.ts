import { isIPv4, isIPv6 } from 'node:net';

/**
 * The bytes nginx's ip_hash hashes for a client (`ngx_http_upstream_init_ip_hash_peer`): the first
 * three bytes of an IPv4 address, all sixteen of an IPv6 one (an IPv4-mapped `::ffff:a.b.c.d` too,
 * with no special case), and three zero bytes for anything else (unix-socket clients), so all of
 * those map to one peer.
 */
export function ipHashBytes(remoteAddr: string | undefined): Uint8Array {
  const out = new Uint8Array(16);
  return out.subarray(0, ipHashBytesInto(out, remoteAddr));
}

/**
 * {@link ipHashBytes} into a caller's 16-byte buffer, returning how many bytes to hash; an IPv4
 * address (the common case) is parsed without allocating.
 */
export function ipHashBytesInto(out: Uint8Array, remoteAddr: string | undefined): number {
  const a = remoteAddr ?? '';
  if (isIPv4(a)) {
    let octet = 0;
    let n = 0;
    for (let i = 0; i < a.length && n < 3; i++) {
      const c = a.charCodeAt(i);
      if (c === 0x2e) {
        out[n++] = octet;
        octet = 0;
      } else {
        octet = octet * 10 + (c - 0x30);
      }
    }
    return 3;
  }
  const zone = a.indexOf('%');
  const v6 = zone >= 0 ? a.slice(0, zone) : a;
  if (isIPv6(v6)) {
    out.set(ipv6Bytes(v6));
    return 16;
  }
  out.fill(0, 0, 3);
  return 3;
}

/** The sixteen bytes of a valid IPv6 text address (with `::` and a dotted IPv4 tail). */
export function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let s = text;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const rest = s.slice(lastColon + 1);
  if (rest.includes('.')) {
    for (const x of rest.split('.')) tail.push(Number(x));
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.indexOf('::');
  const head = dbl >= 0 ? s.slice(0, dbl) : s;
  const back = dbl >= 0 ? s.slice(dbl + 2) : '';
  const hs = head === '' ? [] : head.split(':');
  const bs = back === '' ? [] : back.split(':');
  const groups = [...hs, ...new Array<string>(8 - hs.length - bs.length).fill('0'), ...bs];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}
