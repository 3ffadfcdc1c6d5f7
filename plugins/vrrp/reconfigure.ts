/**
 * A reload applied in place (keepalived's SIGHUP: `reload_vrrp_thread` keeps each instance that is
 * still configured, with its state): kept instances keep their state machine, timers and VIPs; their
 * changed parameters (priority, advert_int, VIPs, trackers, auth) take effect at once; removed
 * instances stop as at shutdown; new ones start as at start-up.
 */
import type { TrackerState } from '../../src/index.js';
import { Ctx } from './context.js';
import { initState, initTrackers } from './lifecycle.js';
import type { VrrpParams, VrrpVip } from './params.js';
import { resolveParams, type ResolvedInstance } from './resolve.js';
import { createVrrpState } from './state-machine.js';
import { clampPriority, trackerContribution } from './priority.js';
import { downInstance, isFaulty, isInitPending, sendGarp, tryUpInstance } from './transitions.js';
import type { VrrpGroupState, VrrpInstanceState, VrrpState, VrrpStepResult, VrrpTimerName } from './types.js';
import type { VrrpStats } from './stats.js';

/** One VIP's identity: what `ip addr add` would be given. */
const vipKey = (v: VrrpVip): string =>
  `${v.address}/${v.prefixLength ?? ''}%${v.device ?? ''}${JSON.stringify(v.options ?? {})}`;

const without = (list: readonly VrrpVip[], other: readonly VrrpVip[]): VrrpVip[] => {
  const keys = new Set(other.map(vipKey));
  return list.filter((v) => !keys.has(vipKey(v)));
};

/**
 * Whether the new configuration of an instance is the same virtual router: keepalived matches by
 * name, and a router with another VRID, interface or family is another router (the old one goes, the
 * new one starts).
 */
function sameRouter(a: ResolvedInstance, b: ResolvedInstance): boolean {
  return (
    a.params.vrid === b.params.vrid &&
    a.params.interface === b.params.interface &&
    a.params.family === b.params.family &&
    a.version === b.version
  );
}

/** A removed instance stops as at shutdown: priority 0 if MASTER, VIPs removed, timers off, notify. */
function retire(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  ctx.log(`(${name}) no longer configured; stopping it`);
  if (i.state === 'MASTER') {
    ctx.sendAdvert(name, 0);
    ctx.count(name, ['priZeroSent']);
    ctx.log(`(${name}) sent 0 priority`, 'debug');
  }
  if (i.vipsSet && c.allVips.length > 0) {
    ctx.log(`(${name}) removing VIPs.`, 'debug');
    ctx.effects.push({ type: 'remove-vips', instance: name, interface: c.params.interface, vips: c.allVips });
  }
  i.vipsSet = false;
  for (const t of Object.keys(i.timers) as VrrpTimerName[]) ctx.cancelTimer(name, t);
  ctx.setState(name, 'STOP');
  // keepalived: a deleted instance reports FAULT, or DELETED with `notify_deleted`.
  ctx.notify('INSTANCE', name, c.params.notifyDeleted === true ? 'DELETED' : 'FAULT', i.effectivePriority);
}

/** A kept instance takes its new parameters without a transition. */
function applyKept(ctx: Ctx, name: string, before: ResolvedInstance, trackers: Record<string, TrackerState>) {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  const known: Record<string, TrackerState> = {};
  for (const t of c.trackers) {
    const s = trackers[t.name] ?? i.trackers[t.name];
    if (s !== undefined) known[t.name] = s;
  }
  i.trackers = known;
  // The new base priority takes effect silently (keepalived logs no "Changing effective priority"
  // line on reload); a backup's running down timer moves with it, as for a tracker.
  const old = i.effectivePriority;
  const oldDown = i.msDownTimerUs;
  i.totalPriority =
    i.basePriority + c.trackers.reduce((n, t) => n + trackerContribution(t, known[t.name]), 0);
  i.effectivePriority = clampPriority(i.basePriority, i.totalPriority);
  if (i.effectivePriority !== old) {
    i.msDownTimerUs = ctx.msDownUs(name);
    const due = i.timers['master-down'];
    if (i.state === 'BACKUP' && due !== undefined)
      ctx.setTimer(name, 'master-down', due + (i.msDownTimerUs - oldDown) / 1000);
  }
  if (i.state === 'MASTER' && i.resigning !== true) {
    i.masterAdverIntUs = c.adverIntUs;
    const added = without(c.allVips, before.allVips);
    // Observed on keepalived 2.2.7: a master's reload logs "setting VIPs." and sends a GARP burst for
    // every VIP, old and new.
    if (i.vipsSet && c.allVips.length > 0) {
      ctx.log(`(${name}) setting VIPs.`, 'debug');
      if (added.length > 0)
        ctx.effects.push({ type: 'add-vips', instance: name, interface: c.params.interface, vips: added });
      sendGarp(ctx, name, c.garp.masterRepeat);
    }
    // keepalived's masters advertise at once on reload (observed: one advert at the old priority,
    // then one at the new, 15 ms apart; Tandem sends the second only): the peer learns a new
    // priority or VIP list now, and the advert timer restarts on the (possibly new) interval.
    ctx.sendAdvert(name, i.effectivePriority);
    ctx.setTimer(name, 'advert', ctx.now + c.adverIntUs / 1000);
  } else if (i.state === 'BACKUP') {
    i.msDownTimerUs = ctx.msDownUs(name);
  }
  const faulty = isFaulty(ctx, name);
  if (faulty && i.state !== 'FAULT' && i.state !== 'STOP') downInstance(ctx, name);
  else if (!faulty && !isInitPending(ctx, name) && i.state === 'FAULT') tryUpInstance(ctx, name);
}

/** Applies a reload; see the module comment. Never throws. */
export function reconfigureState(
  state: VrrpState,
  now: number,
  params: VrrpParams,
  trackers: Readonly<Record<string, TrackerState>>,
): VrrpStepResult {
  const fresh = createVrrpState(params);
  const config = resolveParams(params);
  // Phase 1, on the old configuration: removed instances stop, kept masters drop VIPs they lost.
  const old = new Ctx(state, now);
  const kept = new Map<string, ResolvedInstance>();
  for (const name of state.order) {
    const before = old.cfg(name);
    const after = config[name];
    if (old.get(name).state === 'STOP') continue;
    if (after === undefined || !sameRouter(before, after)) {
      retire(old, name);
      continue;
    }
    kept.set(name, before);
    const i = old.get(name);
    const gone = without(before.allVips, after.allVips);
    if (i.vipsSet && gone.length > 0) {
      old.log(`(${name}) removing VIPs.`, 'debug');
      old.effects.push({
        type: 'remove-vips',
        instance: name,
        interface: before.params.interface,
        vips: gone,
      });
    }
  }
  // Phase 2: the new state, kept records carried over.
  const instances: Record<string, VrrpInstanceState> = {};
  const stats: Record<string, VrrpStats> = {};
  for (const name of fresh.order) {
    const prev = kept.has(name) ? old.inst[name] : undefined;
    const c = config[name];
    const base = fresh.instances[name];
    if (c === undefined || base === undefined) continue;
    instances[name] =
      prev === undefined
        ? base
        : { ...prev, basePriority: c.basePriority, timers: { ...prev.timers }, trackers: prev.trackers };
    const counters = (prev === undefined ? undefined : old.stats[name]) ?? fresh.stats[name];
    if (counters !== undefined) stats[name] = counters;
  }
  const groups: Record<string, VrrpGroupState> = {};
  for (const [gname, g] of Object.entries(fresh.groups)) {
    const prevMembers = state.groupMembers[gname];
    const same =
      prevMembers !== undefined &&
      JSON.stringify(prevMembers) === JSON.stringify(fresh.groupMembers[gname]) &&
      prevMembers.every((m) => kept.has(m));
    groups[gname] = same ? (old.groups[gname] ?? g) : g;
  }
  const ctx = new Ctx({ ...fresh, instances, groups, stats, started: true }, now);
  ctx.effects.push(...old.effects);
  const given = { ...trackers };
  for (const name of fresh.order) {
    const before = kept.get(name);
    if (before !== undefined) applyKept(ctx, name, before, given);
    else {
      initTrackers(ctx, name, given);
      initState(ctx, name);
    }
  }
  return { state: ctx.result(true), effects: ctx.effects };
}
