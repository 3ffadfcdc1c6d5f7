import type {
  KeepalivedConfig,
  SyncGroupStatus,
  TrackerStatus,
  VipStatus,
  VrrpInstanceStatus,
} from '../../../src/index.js';
import type { VrrpState } from '../types.js';
import { vipOf } from './params-from-model.js';

/** When each instance last changed state, and how often it entered each state. */
export type TransitionLog = Map<string, { last: number | null; counts: Record<string, number> }>;

/** keepalived's JSON counter names (`vrrp_json.c`) from the engine's camelCase ones. */
function snakeStats(stats: object): VrrpInstanceStatus['stats'] {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) {
    if (typeof v === 'number') out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return out as unknown as VrrpInstanceStatus['stats'];
}

/** Every instance of the running engine as the admin status API shows it. */
export function vrrpStatusOf(
  state: VrrpState,
  model: KeepalivedConfig,
  transitions: TransitionLog,
): VrrpInstanceStatus[] {
  return model.vrrpInstances.map((c) => {
    const s = state.instances[c.name];
    const iface = c.interface ?? model.globalDefs.defaultInterface;
    const installed = s?.vipsSet ?? false;
    const vip = (list: typeof c.virtualIpaddresses, inst: boolean): VipStatus[] =>
      list.map((a) => {
        const v = vipOf(a);
        return {
          address: `${v.address}/${v.prefixLength ?? (a.family === 'inet' ? 32 : 128)}`,
          interface: v.device ?? iface,
          ...(a.scope === 'global' ? {} : { scope: a.scope }),
          installed: inst,
        };
      });
    // A member of a vrrp_sync_group also applies the group's trackers (keepalived vrrp.c
    // sync_group_tracking_init; plugins/vrrp/resolve.ts merges them): list them too, so /status
    // says why a member whose own trackers are all up sits in FAULT.
    const group = model.vrrpSyncGroups.find((g) => g.name === c.syncGroup);
    const refs = [c, ...(group === undefined ? [] : [group])].flatMap((r) => [
      ...r.trackScripts.map((t) => ({ kind: 'script', ...t })),
      ...r.trackInterfaces.map((t) => ({ kind: 'interface', ...t })),
      ...r.trackFiles.map((t) => ({ kind: 'file', ...t })),
      ...r.trackProcesses.map((t) => ({ kind: 'process', ...t })),
    ]);
    const trackerList: TrackerStatus[] = refs
      .filter((t, i) => refs.findIndex((o) => o.kind === t.kind && o.name === t.name) === i)
      .map((t) => {
        const known = s?.trackers[t.name];
        return {
          kind: t.kind,
          name: t.name,
          up: known?.up ?? true,
          reason: known?.reason ?? 'unknown',
          weight: known?.weight ?? t.weight,
        };
      });
    const log = transitions.get(c.name);
    const family = c.family === 'inet' ? 'ipv4' : 'ipv6';
    const status: VrrpInstanceStatus = {
      name: c.name,
      state: s?.state ?? 'INIT',
      wantState: s?.wantState ?? 'BACKUP',
      interface: iface,
      vrid: c.vrid,
      version: c.version,
      family,
      basePriority: s?.basePriority ?? c.priority,
      effectivePriority: s?.effectivePriority ?? c.priority,
      advertIntervalMs: s === undefined ? c.advertIntCs * 10 : s.masterAdverIntUs / 1000,
      // As MASTER the master is this node; the engine keeps the last *remote* master, as keepalived's
      // master_saddr does for its data dump (where the stale value is kept for byte-identity).
      ...(s?.state === 'MASTER'
        ? { masterAddress: state.config[c.name]?.sourceAddress ?? null, masterPriority: s.effectivePriority }
        : { masterAddress: s?.masterAddress ?? null, masterPriority: s?.masterPriority ?? 0 }),
      vips: vip(c.virtualIpaddresses, installed),
      excludedVips: vip(c.virtualIpaddressesExcluded, installed),
      trackers: trackerList,
      syncGroup: c.syncGroup ?? null,
      garpDelay: c.garpMasterDelayMs / 1000,
      preempt: !c.nopreempt,
      authType: c.authentication === undefined ? 'none' : c.authentication.type === 'PASS' ? 'pass' : 'ah',
      lastTransition: log?.last ?? null,
      transitions: log?.counts ?? {},
      stats: snakeStats(state.stats[c.name] ?? {}),
    };
    return status;
  });
}

/** Every sync group of the running engine. */
export function syncGroupStatusOf(state: VrrpState): SyncGroupStatus[] {
  return Object.entries(state.groups).map(([name, g]) => ({
    name,
    state: g.state,
    instances: state.groupMembers[name] ?? [],
  }));
}
