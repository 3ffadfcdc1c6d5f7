import { ipv4Bytes } from '../../src/net/address-bytes.js';
import { internetChecksum } from '../../src/net/ip-header.js';
import { parseArp, parseEthernet, parseIpv4, type PcapRecord } from './pcap.js';

/**
 * tcpdump as the clock (vrrp.md §3.1: keepalived's own log stamps have 1 s resolution): the VRRP
 * adverts and ARP packets of a capture, decoded enough to time takeovers and check the wire format.
 */

/** One VRRP advertisement seen on the wire (IPv4). */
export interface Advert {
  /** Capture time in seconds (host clock, µs resolution). */
  readonly time: number;
  readonly srcMac: string;
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly tos: number;
  readonly version: number;
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  readonly count: number;
  /** v2: auth type; v3: undefined. */
  readonly authType: number | undefined;
  /** v2: seconds; v3: centiseconds. */
  readonly interval: number;
  readonly vips: readonly string[];
  /** Whether the checksum verifies in keepalived's form (v2: message; v3/IPv4: with the pseudo-header). */
  readonly checksumOk: boolean;
}

/** One ARP packet seen on the wire. */
export interface ArpSeen {
  readonly time: number;
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

/** The decoded capture. */
export interface Timeline {
  readonly adverts: readonly Advert[];
  readonly arps: readonly ArpSeen[];
}

function checksumOk(version: number, src: string, dst: string, msg: Buffer): boolean {
  if (version === 2) return internetChecksum(msg) === 0;
  const pseudo = Buffer.alloc(12);
  ipv4Bytes(src).copy(pseudo, 0);
  ipv4Bytes(dst).copy(pseudo, 4);
  pseudo[9] = 112;
  pseudo.writeUInt16BE(msg.length, 10);
  return internetChecksum(pseudo, msg) === 0;
}

function decodeAdvert(time: number, srcMac: string, ip: Buffer): Advert | undefined {
  const p = parseIpv4(ip);
  if (p.protocol !== 112 || p.payload.length < 8) return undefined;
  const m = p.payload;
  const version = m[0]! >> 4;
  const count = m[3]!;
  const vips: string[] = [];
  for (let i = 0; i < count && 8 + 4 * i + 4 <= m.length; i++)
    vips.push(m.subarray(8 + 4 * i, 12 + 4 * i).join('.'));
  return {
    time,
    srcMac,
    src: p.src,
    dst: p.dst,
    ttl: p.ttl,
    tos: p.tos,
    version,
    type: m[0]! & 0x0f,
    vrid: m[1]!,
    priority: m[2]!,
    count,
    authType: version === 2 ? m[4]! : undefined,
    interval: version === 2 ? m[5]! : m.readUInt16BE(4) & 0x0fff,
    vips,
    checksumOk: checksumOk(version, p.src, p.dst, m),
  };
}

/** Decodes the IPv4 VRRP adverts and ARP packets of a capture (Ethernet frames). */
export function timelineOf(records: readonly PcapRecord[]): Timeline {
  const adverts: Advert[] = [];
  const arps: ArpSeen[] = [];
  for (const r of records) {
    const eth = parseEthernet(r.data);
    if (eth.type === 0x0800) {
      const a = decodeAdvert(r.time, eth.src, eth.payload);
      if (a !== undefined) adverts.push(a);
    } else if (eth.type === 0x0806) {
      arps.push({ time: r.time, ethSrc: eth.src, ethDst: eth.dst, ...parseArp(eth.payload) });
    }
  }
  return { adverts, arps };
}

/**
 * The handover after `from` stopped being master: the last advert `from` sent with a priority above 0
 * (before the handover), its priority-0 advert if any, and the first advert `to` sent after it.
 */
export interface Handover {
  readonly lastOld: Advert;
  readonly priorityZero: Advert | undefined;
  readonly firstNew: Advert;
  /** firstNew − lastOld, ms. */
  readonly gapMs: number;
  /** firstNew − priorityZero, ms (graceful handovers). */
  readonly fromZeroMs: number | undefined;
}

/**
 * Finds the final handover from the router whose adverts come from `from` to the one at `to` for
 * `vrid`, at or after `since` (seconds): the last advert `from` sent with a priority above 0, and the
 * first advert `to` sent after it, among adverts in [since, until). Taking the *last* one makes an earlier spurious takeover (a stalled
 * master, later preempting back) impossible to mistake for the measured one. Undefined when either
 * side is missing from the capture.
 */
export function handover(
  t: Timeline,
  vrid: number,
  from: string,
  to: string,
  since = 0,
  until = Infinity,
): Handover | undefined {
  const ours = t.adverts.filter((a) => a.vrid === vrid && a.time >= since && a.time < until);
  const live = ours.filter((a) => a.src === from && a.priority > 0);
  const lastOld = live[live.length - 1];
  if (lastOld === undefined) return undefined;
  const firstNew = ours.find((a) => a.src === to && a.priority > 0 && a.time > lastOld.time);
  if (firstNew === undefined) return undefined;
  const priorityZero = ours.find((a) => a.src === from && a.priority === 0 && a.time >= lastOld.time);
  return {
    lastOld,
    priorityZero,
    firstNew,
    gapMs: (firstNew.time - lastOld.time) * 1000,
    fromZeroMs: priorityZero === undefined ? undefined : (firstNew.time - priorityZero.time) * 1000,
  };
}

/**
 * Adverts of `src` for `vrid` that came more than `slackMs` after the previous one of the same
 * sender: stalls that a backup may rightly have taken for a dead master.
 */
export function stalls(
  t: Timeline,
  vrid: number,
  src: string,
  limitMs: number,
): { at: number; gapMs: number }[] {
  const mine = t.adverts.filter((a) => a.vrid === vrid && a.src === src && a.priority > 0);
  const out: { at: number; gapMs: number }[] = [];
  for (let i = 1; i < mine.length; i++) {
    const gapMs = (mine[i]!.time - mine[i - 1]!.time) * 1000;
    if (gapMs > limitMs) out.push({ at: mine[i - 1]!.time, gapMs });
  }
  return out;
}

/** Gratuitous ARPs (request, sender = target = `vip`, broadcast) sent from `mac` at or after `since`. */
export function garps(t: Timeline, vip: string, mac: string, since: number): ArpSeen[] {
  return t.arps.filter(
    (a) =>
      a.time >= since &&
      a.op === 1 &&
      a.senderIp === vip &&
      a.targetIp === vip &&
      a.senderMac === mac &&
      a.ethDst === 'ff:ff:ff:ff:ff:ff',
  );
}

/** The largest gap (ms) between consecutive adverts from `src` for `vrid` within [from, to] seconds. */
export function maxAdvertGapMs(t: Timeline, vrid: number, src: string, from: number, to: number): number {
  const times = t.adverts.filter((a) => a.vrid === vrid && a.src === src && a.time >= from && a.time <= to);
  let max = 0;
  for (let i = 1; i < times.length; i++) max = Math.max(max, (times[i]!.time - times[i - 1]!.time) * 1000);
  return max;
}

/** The adverts of `vrid` around `time` (±`spanS` seconds), one line each, for failure messages. */
export function describeAround(t: Timeline, vrid: number, time: number, spanS = 2): string {
  return t.adverts
    .filter((a) => a.vrid === vrid && Math.abs(a.time - time) <= spanS)
    .map((a) => `${((a.time - time) * 1000).toFixed(1).padStart(8)} ms  ${a.src} prio ${a.priority}`)
    .join('\n');
}
