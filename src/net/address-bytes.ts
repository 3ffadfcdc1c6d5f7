import { isIPv4, isIPv6 } from 'node:net';

/** The 4 bytes of a dotted-quad IPv4 address; throws on anything else. */
export function ipv4Bytes(address: string): Buffer {
  if (!isIPv4(address)) throw new TypeError(`not an IPv4 address: ${address}`);
  return Buffer.from(address.split('.').map(Number));
}

/** The 16 bytes of an IPv6 address (`::` compression and a trailing dotted quad allowed; no zone). */
export function ipv6Bytes(address: string): Buffer {
  const plain = address.split('%')[0] ?? '';
  if (!isIPv6(plain)) throw new TypeError(`not an IPv6 address: ${address}`);
  let text = plain;
  const out = Buffer.alloc(16);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const b = ipv4Bytes(dotted[1]);
    const hi = b.readUInt16BE(0).toString(16);
    const lo = b.readUInt16BE(2).toString(16);
    text = `${text.slice(0, -dotted[1].length)}${hi}:${lo}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Formats 4 bytes at `offset` as a dotted quad. */
export function formatIpv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** Whether an address (either family) is multicast. */
export function isMulticast(address: string): boolean {
  if (isIPv4(address)) {
    const first = Number(address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return address.toLowerCase().startsWith('ff');
}
