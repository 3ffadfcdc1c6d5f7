import { readFileSync } from 'node:fs';

/** One captured frame: its capture time in seconds (fractional) and its bytes (Ethernet for tcpdump on veth). */
export interface PcapRecord {
  readonly time: number;
  readonly data: Buffer;
}

/**
 * Reads a classic pcap file as tcpdump `-w` writes it (microsecond or nanosecond magic, either byte
 * order). Enough for tests; pcapng is not supported (tcpdump writes classic pcap by default).
 */
export function readPcap(path: string): PcapRecord[] {
  const buf = readFileSync(path);
  if (buf.length < 24) return [];
  const magicLe = buf.readUInt32LE(0);
  const magicBe = buf.readUInt32BE(0);
  let le: boolean;
  let nanos: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    le = true;
    nanos = magicLe === 0xa1b23c4d;
  } else if (magicBe === 0xa1b2c3d4 || magicBe === 0xa1b23c4d) {
    le = false;
    nanos = magicBe === 0xa1b23c4d;
  } else {
    throw new Error(`${path}: not a classic pcap file`);
  }
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const out: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    if (off + 16 + incl > buf.length) break; // a partial last record (capture stopped mid-write)
    out.push({ time: sec + frac / (nanos ? 1e9 : 1e6), data: buf.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return out;
}

/** An Ethernet II frame's addresses, type and payload (VLAN tags are not expected on test veths). */
export interface EthernetFrame {
  readonly dst: string;
  readonly src: string;
  readonly type: number;
  readonly payload: Buffer;
}

const mac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** Splits an Ethernet frame. */
export function parseEthernet(frame: Buffer): EthernetFrame {
  return {
    dst: mac(frame.subarray(0, 6)),
    src: mac(frame.subarray(6, 12)),
    type: frame.readUInt16BE(12),
    payload: frame.subarray(14),
  };
}

/** The fields of an IPv4 header a VRRP test looks at. */
export interface Ipv4Packet {
  readonly tos: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly dontFragment: boolean;
  readonly src: string;
  readonly dst: string;
  readonly payload: Buffer;
}

/** Parses an IPv4 packet (no options check beyond the header length). */
export function parseIpv4(p: Buffer): Ipv4Packet {
  const ihl = (p[0]! & 0x0f) * 4;
  const total = p.readUInt16BE(2);
  return {
    tos: p[1]!,
    dontFragment: (p.readUInt16BE(6) & 0x4000) !== 0,
    ttl: p[8]!,
    protocol: p[9]!,
    src: [...p.subarray(12, 16)].join('.'),
    dst: [...p.subarray(16, 20)].join('.'),
    payload: p.subarray(ihl, total),
  };
}

/** The fields of an ARP packet (Ethernet/IPv4) a gratuitous-ARP test looks at. */
export interface ArpPacket {
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/** Parses an Ethernet/IPv4 ARP packet. */
export function parseArp(p: Buffer): ArpPacket {
  return {
    op: p.readUInt16BE(6),
    senderMac: mac(p.subarray(8, 14)),
    senderIp: [...p.subarray(14, 18)].join('.'),
    targetMac: mac(p.subarray(18, 24)),
    targetIp: [...p.subarray(24, 28)].join('.'),
  };
}
