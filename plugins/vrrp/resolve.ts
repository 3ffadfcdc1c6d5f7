/**
 * Turns {@link VrrpParams} into the normalized per-instance view the reducer uses: defaults filled in,
 * addresses canonical, group trackers merged, weighted trackers dropped inside sync groups.
 */
import { formatAddress, parseAddress } from './codec/address.js';
import type { ChecksumForm } from './codec/checksum.js';
import { passwordBytes } from './codec/encode.js';
import type { AdvertCheckTarget } from './codec/validate.js';
import type { VrrpInstanceParams, VrrpParams, VrrpTrackerParams, VrrpVip } from './params.js';
import { adverIntUs } from './timers.js';

/** Resolved GARP schedule, every field set. */
export interface ResolvedGarp {
  readonly masterDelayMs: number;
  readonly masterRepeat: number;
  readonly masterRefreshMs: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPrioDelayMs: number;
  readonly lowerPrioRepeat: number;
  readonly intervalMs: number;
}

/** One instance's configuration as the reducer reads it. */
export interface ResolvedInstance {
  readonly params: VrrpInstanceParams;
  readonly name: string;
  readonly version: 2 | 3;
  readonly basePriority: number;
  readonly initialWant: 'MASTER' | 'BACKUP';
  readonly adverIntUs: number;
  /** Preemption; always on for an address owner (keepalived clears `nopreempt` with priority 255). */
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  /** Advertised VIPs, canonical text. */
  readonly vips: readonly string[];
  /** VIPs plus excluded VIPs, as given (for add/remove/GARP). */
  readonly allVips: readonly VrrpVip[];
  readonly sourceAddress: string;
  readonly unicast: boolean;
  /** Advert destinations: each unicast peer, or the multicast group. */
  readonly destinations: readonly string[];
  readonly garp: ResolvedGarp;
  /** Trackers in force (own + sync group's, weighted ones dropped in a group without tracking weight). */
  readonly trackers: readonly VrrpTrackerParams[];
  readonly group: string | undefined;
  readonly downTimerAdverts: number;
  readonly checksumForm: ChecksumForm;
  readonly check: AdvertCheckTarget;
  /** Lines keepalived logs at start about this instance's configuration. */
  readonly startLogs: readonly string[];
}

const canon = (family: 'ipv4' | 'ipv6', a: string): string => {
  const b = parseAddress(family, a);
  return b === undefined ? a : formatAddress(family, b);
};

function resolveOne(p: VrrpInstanceParams, group: string | undefined, params: VrrpParams): ResolvedInstance {
  const family = p.family;
  const version: 2 | 3 = family === 'ipv6' ? 3 : p.version;
  const g = params.syncGroups?.find((s) => s.name === group);
  const startLogs: string[] = [];
  const trackers: VrrpTrackerParams[] = [];
  for (const t of [...(p.trackers ?? []), ...(g?.trackers ?? [])]) {
    if (t.weight !== 0 && g !== undefined && g.trackingWeight !== true) {
      // keepalived vrrp.c sync_group_tracking_init: weights are dropped inside sync groups.
      startLogs.push(
        `(${p.name}) ignoring tracked ${t.kind ?? 'script'} ${t.name} with weights due to SYNC group`,
      );
      trackers.push({ ...t, weight: 0 });
      continue;
    }
    if (t.weight !== 0 && p.priority === 255) continue; // "Cannot have weighted track script with priority 255"
    if (!trackers.some((x) => x.name === t.name)) trackers.push(t);
  }
  const mcastGroup = canon(family, p.mcastGroup ?? (family === 'ipv4' ? '224.0.0.18' : 'ff02::12'));
  const peers = (p.unicastPeers ?? []).map((u) => ({
    address: canon(family, u.address),
    minTtl: u.minTtl ?? 0,
    maxTtl: u.maxTtl ?? 255,
  }));
  const unicast = peers.length > 0;
  const vips = p.vips.map((v) => canon(family, v.address));
  const intUs = adverIntUs(version, p.advertIntMs);
  const auth = version === 2 && p.auth !== undefined && p.auth.password !== '';
  const gm = p.garp ?? {};
  const masterDelayMs = gm.masterDelayMs ?? 5000;
  const masterRepeat = Math.max(1, gm.masterRepeat ?? 5);
  return {
    params: p,
    name: p.name,
    version,
    basePriority: p.priority,
    initialWant: p.initialState ?? (p.priority === 255 ? 'MASTER' : 'BACKUP'),
    adverIntUs: intUs,
    preempt: p.preempt || p.priority === 255,
    preemptDelayMs: p.preemptDelayMs ?? 0,
    vips,
    allVips: [...p.vips, ...(p.excludedVips ?? [])],
    sourceAddress: canon(family, p.sourceAddress),
    unicast,
    destinations: unicast ? peers.map((u) => u.address) : [mcastGroup],
    garp: {
      masterDelayMs,
      masterRepeat,
      masterRefreshMs: gm.masterRefreshMs ?? 0,
      masterRefreshRepeat: gm.masterRefreshRepeat ?? 1,
      lowerPrioDelayMs: gm.lowerPrioDelayMs ?? masterDelayMs,
      lowerPrioRepeat: gm.lowerPrioRepeat ?? masterRepeat,
      intervalMs: gm.intervalMs ?? 0,
    },
    trackers,
    group,
    downTimerAdverts: p.downTimerAdverts ?? 3,
    checksumForm: p.v3ChecksumAsV2 === true ? 'message-only' : 'pseudo-header',
    check: {
      name: p.name,
      family,
      version,
      vrid: p.vrid,
      authType: auth ? 1 : 0,
      authData: passwordBytes(auth ? p.auth.password : ''),
      advertIntSec: Math.round(intUs / 1_000_000),
      vips,
      unicast,
      unicastPeers: peers,
      checkUnicastSrc: p.checkUnicastSrc === true,
      mcastGroup,
    },
    startLogs,
  };
}

/** Resolves every instance, keyed by name. */
export function resolveParams(params: VrrpParams): Record<string, ResolvedInstance> {
  const out: Record<string, ResolvedInstance> = {};
  for (const p of params.instances) {
    const group = params.syncGroups?.find((g) => g.members.includes(p.name))?.name;
    out[p.name] = resolveOne(p, group, params);
  }
  return out;
}
