import type {
  IpAddressConfig,
  KeepalivedConfig,
  NotifyConfig,
  ScriptCommandConfig,
  TrackRefConfig,
  VrrpInstanceConfig,
} from '../../../src/index.js';
import type { LinuxInstance } from '../linux/linux-io.js';
import type { NotifyScripts } from '../linux/notify-runner.js';
import type {
  VrrpInstanceParams,
  VrrpParams,
  VrrpSyncGroupParams,
  VrrpTrackerParams,
  VrrpVip,
} from '../params.js';

/** The tracker kinds keepalived instances and sync groups name, and their directory kind. */
export type TrackKind = 'script' | 'interface' | 'file' | 'process';

/** One tracker an instance or group follows, as the service subscribes to it. */
export interface TrackRef {
  readonly kind: TrackKind;
  readonly name: string;
}

const familyOf = (f: 'inet' | 'inet6') => (f === 'inet' ? 'ipv4' : 'ipv6');

/** A VIP line as the engine and the Linux side take it (`ip addr add` words as options). */
export function vipOf(a: IpAddressConfig): VrrpVip {
  const o: Record<string, string> = {};
  if (a.broadcast !== undefined) o.brd = a.broadcast;
  if (a.scope !== 'global') o.scope = a.scope;
  if (a.label !== undefined) o.label = a.label;
  if (a.peer !== undefined) o.peer = a.peer;
  if (a.preferredLft !== undefined) o.preferred_lft = String(a.preferredLft);
  if (a.home) o.home = 'true';
  if (a.mngtmpaddr) o.mngtmpaddr = 'true';
  if (a.noPrefixRoute) o.noprefixroute = 'true';
  if (a.autojoin) o.autojoin = 'true';
  if (a.noDad) o['-nodad'] = 'true';
  return {
    address: a.address,
    prefixLength: a.prefix,
    ...(a.dev === undefined ? {} : { device: a.dev }),
    ...(Object.keys(o).length === 0 ? {} : { options: o }),
  };
}

function trackers(lists: Readonly<Record<TrackKind, readonly TrackRefConfig[]>>): VrrpTrackerParams[] {
  return (Object.entries(lists) as [TrackKind, readonly TrackRefConfig[]][]).flatMap(([kind, refs]) =>
    refs.map((r) => ({ name: r.name, weight: r.weight, reverse: r.reverse, kind })),
  );
}

function instanceTrackers(i: VrrpInstanceConfig): VrrpTrackerParams[] {
  return trackers({
    script: i.trackScripts,
    interface: i.trackInterfaces,
    file: i.trackFiles,
    process: i.trackProcesses,
  });
}

/** Every tracker the instances and sync groups of `model` follow, once each. */
export function trackedRefs(model: KeepalivedConfig): TrackRef[] {
  const seen = new Map<string, TrackRef>();
  const add = (list: readonly VrrpTrackerParams[]) => {
    for (const t of list) {
      const kind = t.kind as TrackKind;
      seen.set(`${kind}\0${t.name}`, { kind, name: t.name });
    }
  };
  for (const i of model.vrrpInstances) add(instanceTrackers(i));
  for (const g of model.vrrpSyncGroups)
    add(
      trackers({
        script: g.trackScripts,
        interface: g.trackInterfaces,
        file: g.trackFiles,
        process: g.trackProcesses,
      }),
    );
  return [...seen.values()];
}

/**
 * A command's argv as the one string the notify runner re-splits with keepalived's quoting: a word
 * with blanks is wrapped in the quote kind it does not contain.
 */
export function commandLine(c: ScriptCommandConfig): string {
  return c.argv.map((w) => (/[\s"']/.test(w) ? (w.includes("'") ? `"${w}"` : `'${w}'`) : w)).join(' ');
}

function notifyScripts(n: NotifyConfig): NotifyScripts {
  const out: Record<string, string> = {};
  for (const key of [
    'master',
    'backup',
    'fault',
    'stop',
    'deleted',
    'generic',
    'masterRxLowerPri',
  ] as const) {
    const c = n[key];
    if (c !== undefined) out[key] = commandLine(c);
  }
  return out;
}

/**
 * Maps the keepalived model onto the engine's parameters. `sources` gives each instance's source
 * address (`unicast_src_ip`/`mcast_src_ip`, else the interface's primary address, found at start).
 */
export function vrrpParamsOf(model: KeepalivedConfig, sources: ReadonlyMap<string, string>): VrrpParams {
  const g = model.globalDefs;
  const instances = model.vrrpInstances.map((i): VrrpInstanceParams => {
    const family = familyOf(i.family);
    return {
      name: i.name,
      vrid: i.vrid,
      version: i.version,
      family,
      interface: i.interface ?? g.defaultInterface,
      priority: i.priority,
      initialState: i.state,
      advertIntMs: i.advertIntCs * 10,
      preempt: !i.nopreempt,
      preemptDelayMs: i.preemptDelayMs,
      ...(i.authentication?.type === 'PASS'
        ? { auth: { type: 'PASS', password: i.authentication.password } }
        : {}),
      vips: i.virtualIpaddresses.map(vipOf),
      excludedVips: i.virtualIpaddressesExcluded.map(vipOf),
      sourceAddress: sources.get(i.name) ?? i.sourceAddress ?? '',
      unicastPeers: i.unicastPeers.map((p) => ({ address: p.address, minTtl: p.minTtl, maxTtl: p.maxTtl })),
      checkUnicastSrc: i.checkUnicastSrc,
      mcastGroup: i.mcastDestination ?? (family === 'ipv4' ? g.mcastGroup4 : g.mcastGroup6),
      garp: {
        masterDelayMs: i.garpMasterDelayMs,
        masterRepeat: i.garpMasterRepeat,
        masterRefreshMs: i.garpMasterRefreshMs,
        masterRefreshRepeat: i.garpMasterRefreshRepeat,
        lowerPrioDelayMs: i.garpLowerPrioDelayMs,
        lowerPrioRepeat: i.garpLowerPrioRepeat,
        intervalMs: (family === 'ipv4' ? g.garpIntervalUs : g.gnaIntervalUs) / 1000,
      },
      trackers: instanceTrackers(i),
      downTimerAdverts: i.downTimerAdverts,
      skipCheckAdvAddr: i.skipCheckAdvAddr,
      lowerPrioNoAdvert: i.lowerPrioNoAdvert,
      higherPrioSendAdvert: i.higherPrioSendAdvert,
      dontTrackPrimary: i.dontTrackPrimary,
      notifyDeleted: i.notify.deleted !== undefined,
    };
  });
  const syncGroups = model.vrrpSyncGroups.map((s): VrrpSyncGroupParams => ({
    name: s.name,
    members: s.members,
    trackers: trackers({
      script: s.trackScripts,
      interface: s.trackInterfaces,
      file: s.trackFiles,
      process: s.trackProcesses,
    }),
    trackingWeight: s.trackingWeight,
  }));
  return { instances, syncGroups };
}

/** What the Linux side needs per instance: interface, family, source, peers, TTL and notify scripts. */
export function linuxInstancesOf(model: KeepalivedConfig): LinuxInstance[] {
  return model.vrrpInstances.map((i) => ({
    name: i.name,
    interface: i.interface ?? model.globalDefs.defaultInterface,
    family: familyOf(i.family),
    ...(i.sourceAddress === undefined ? {} : { source: i.sourceAddress }),
    ...(i.unicastPeers.length === 0 ? {} : { unicastPeers: i.unicastPeers.map((p) => p.address) }),
    ...(i.unicastTtl === undefined ? {} : { ttl: i.unicastTtl }),
    advertIntervalMs: i.advertIntCs * 10,
    notify: notifyScripts(i.notify),
  }));
}

/** Sync-group notify scripts by group name. */
export function groupNotifyOf(model: KeepalivedConfig): Record<string, NotifyScripts> {
  return Object.fromEntries(model.vrrpSyncGroups.map((s) => [s.name, notifyScripts(s.notify)]));
}

/**
 * keepalived's `vrrp_priority` (global_defs): the nice value of its VRRP process (keepalived.md §2);
 * Tandem gives it to the advert pacer. The config adapter kept it only when inside -20..19.
 */
export function pacerNiceOf(model: KeepalivedConfig): { pacerNice?: number } {
  const word = model.globalDefs.other['vrrp_priority']?.[0];
  return word === undefined ? {} : { pacerNice: Number(word) };
}
