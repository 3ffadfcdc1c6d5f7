/**
 * Start, trackers, interfaces, timers and shutdown: the non-packet inputs of the reducer, after keepalived's
 * `vrrp_init_state`, `vrrp_track.c`, `vrrp_dispatcher_read_timeout` and the stop path.
 */
import type { TrackerState } from '../../src/index.js';
import type { Ctx } from './context.js';
import { syncTransition } from './sync-group.js';
import { skewCalcUs } from './timers.js';
import {
  downInstance,
  gotoMaster,
  isFaulty,
  isInitPending,
  masterTx,
  sendGarp,
  tryUpInstance,
  updatePriority,
} from './transitions.js';
import type { VrrpTimerName } from './types.js';

function faultLine(ctx: Ctx, name: string): string | undefined {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  for (const t of c.trackers) {
    const s = i.trackers[t.name];
    if (t.weight !== 0 || s === undefined || s.up !== (t.reverse === true)) continue;
    if (t.kind === 'interface') return `(${name}): entering FAULT state (interface ${t.name} down)`;
    if (t.kind === 'file') return `(${name}): entering FAULT state (tracked file ${t.name} has status 1)`;
    if (t.kind === 'process') return `(${name}) entering FAULT state (tracked process ${t.name} quorum lost)`;
    return `(${name}): entering FAULT state due to script ${t.name}`;
  }
  return undefined;
}

/** keepalived start-up: tracking initialisation, then `vrrp_init_state`. */
export function startAll(ctx: Ctx, trackers: Readonly<Record<string, TrackerState>>): void {
  const order = ctx.base.order;
  // keepalived first clears VIPs a previous run may have left (`vrrp_restore_interfaces_startup`; observed
  // with -D: "(VI_1) removing VIPs." for every instance before any "Entering BACKUP STATE (init)").
  for (const name of order) {
    const c = ctx.cfg(name);
    if (c.allVips.length === 0) continue;
    ctx.log(`(${name}) removing VIPs.`, 'debug');
    ctx.effects.push({ type: 'remove-vips', instance: name, interface: c.params.interface, vips: c.allVips });
  }
  for (const name of order) initTrackers(ctx, name, trackers);
  for (const [gname, members] of Object.entries(ctx.base.groupMembers)) {
    const g = ctx.groups[gname];
    if (g === undefined) continue;
    const faulty = members.find((m) => isFaulty(ctx, m));
    if (faulty !== undefined) {
      g.state = 'FAULT';
      ctx.log(`VRRP_Group(${gname}): Syncing ${faulty} to FAULT state`);
    } else g.state = members.some((m) => isInitPending(ctx, m)) ? 'INIT' : 'BACKUP';
  }
  for (const g of Object.values(ctx.groups))
    if (g.state === 'FAULT' || g.state === 'BACKUP') ctx.notify('GROUP', g.name, g.state, 0);
  for (const name of order) initState(ctx, name);
}

/** Start-up of one instance's tracking: its start lines, tracker states known now, priority, FAULT line. */
export function initTrackers(ctx: Ctx, name: string, trackers: Readonly<Record<string, TrackerState>>): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  for (const line of c.startLogs) ctx.log(line);
  const known: Record<string, TrackerState> = { ...i.trackers };
  for (const t of c.trackers) {
    const s = trackers[t.name];
    if (s !== undefined) known[t.name] = s;
  }
  i.trackers = known;
  updatePriority(ctx, name);
  const line = faultLine(ctx, name);
  if (line !== undefined) ctx.log(line);
}

/** keepalived `vrrp_init_state` for one instance: BACKUP (init) with its down timer, or FAULT. */
export function initState(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  const g = ctx.group(name);
  const newState = g !== undefined ? g.state : i.wantState;
  const faulty = isFaulty(ctx, name);
  const init = isInitPending(ctx, name) || (g !== undefined && g.state === 'INIT');
  i.masterAdverIntUs = c.adverIntUs;
  if (!faulty && !init && newState === 'MASTER' && i.basePriority === 255 && i.wantState === 'MASTER') {
    // "The simplest way to become master is to timeout from the backup state very quickly (1usec)".
    ctx.setState(name, 'BACKUP');
    i.msDownTimerUs = 1;
  } else {
    i.msDownTimerUs =
      newState === 'BACKUP' && i.wantState === 'MASTER'
        ? c.adverIntUs + skewCalcUs(c.version, 1, i.masterAdverIntUs)
        : ctx.msDownUs(name);
    if (!faulty && newState !== 'FAULT' && !init) {
      ctx.log(`(${name}) Entering BACKUP STATE (init)`);
      ctx.setState(name, 'BACKUP');
      ctx.notifyInstance(name);
    } else {
      if (faulty) ctx.log(`(${name}) Entering FAULT STATE (init)`);
      ctx.setState(name, 'FAULT');
      if (faulty) ctx.notifyInstance(name);
    }
  }
  ctx.initSands(name);
}

/** A tracker changed: priorities move, weight-0 trackers take instances down or let them up. */
export function trackerChanged(ctx: Ctx, tracker: string, state: TrackerState): void {
  for (const name of ctx.base.order) {
    const c = ctx.cfg(name);
    const t = c.trackers.find((x) => x.name === tracker);
    if (t === undefined) continue;
    const i = ctx.get(name);
    if (i.state === 'STOP') continue;
    const wasDown = isFaulty(ctx, name);
    const wasInit = isInitPending(ctx, name);
    i.trackers = { ...i.trackers, [tracker]: state };
    if (!ctx.base.started) continue; // recorded; `start` computes priorities and faults
    if (t.weight !== 0) {
      updatePriority(ctx, name);
      continue;
    }
    applyEdges(ctx, name, wasDown, wasInit);
  }
}

/** The instance's own interface changed (netlink). */
export function interfaceChanged(ctx: Ctx, iface: string, up: boolean): void {
  for (const name of ctx.base.order) {
    const c = ctx.cfg(name);
    const i = ctx.get(name);
    if (c.params.interface !== iface || i.state === 'STOP' || i.interfaceUp === up) continue;
    const wasDown = isFaulty(ctx, name);
    const wasInit = isInitPending(ctx, name);
    i.interfaceUp = up;
    applyEdges(ctx, name, wasDown, wasInit);
  }
}

function applyEdges(ctx: Ctx, name: string, wasDown: boolean, wasInit: boolean): void {
  if (!ctx.base.started) return;
  const down = isFaulty(ctx, name);
  const init = isInitPending(ctx, name);
  if (down && !wasDown) downInstance(ctx, name);
  else if (!down && !init && (wasDown || wasInit)) tryUpInstance(ctx, name);
}

/** A timer fired: Master_Down expiry, the advert tick, or a delayed GARP burst. */
export function timerFired(ctx: Ctx, name: string, timer: VrrpTimerName): void {
  const i = ctx.get(name);
  if (i.resigning === true) return;
  const due = i.timers[timer];
  if (due === undefined || due > ctx.now + 1e-6) return; // stale: re-armed or cancelled since
  const { [timer]: _fired, ...rest } = i.timers;
  i.timers = rest;
  const c = ctx.cfg(name);
  if (timer === 'garp-delay') sendGarp(ctx, name, c.garp.masterRepeat);
  else if (timer === 'garp-lower-prio-delay') sendGarp(ctx, name, c.garp.lowerPrioRepeat);
  else {
    const prev = i.state;
    if (timer === 'master-down' && prev === 'BACKUP') {
      ctx.log(`(${name}) Receive advertisement timeout`, 'debug');
      gotoMaster(ctx, name);
    } else if (timer === 'advert' && prev === 'MASTER') masterTx(ctx, name);
    syncTransition(ctx, name, prev);
    ctx.initSands(name);
  }
}

/** Stop: masters send priority 0 and drop VIPs; every instance and group reports STOP. */
export function shutdownAll(ctx: Ctx): void {
  for (const name of ctx.base.order) {
    const i = ctx.get(name);
    const c = ctx.cfg(name);
    if (i.state === 'MASTER' && i.resigning !== true) {
      ctx.sendAdvert(name, 0);
      ctx.count(name, ['priZeroSent']);
      ctx.log(`(${name}) sent 0 priority`, 'debug');
    }
    if (i.vipsSet && c.allVips.length > 0) {
      ctx.log(`(${name}) removing VIPs.`, 'debug');
      ctx.effects.push({
        type: 'remove-vips',
        instance: name,
        interface: c.params.interface,
        vips: c.allVips,
      });
    }
    i.vipsSet = false;
    for (const t of Object.keys(i.timers) as VrrpTimerName[]) ctx.cancelTimer(name, t);
  }
  for (const name of ctx.base.order) {
    const i = ctx.get(name);
    if (i.state === 'STOP') continue;
    ctx.setState(name, 'STOP');
    i.notifiesSent = true;
    ctx.notify('INSTANCE', name, 'STOP', i.effectivePriority);
  }
  for (const g of Object.values(ctx.groups)) {
    if (g.state === 'STOP') continue;
    g.state = 'STOP';
    ctx.notify('GROUP', g.name, 'STOP', 0);
  }
}

/**
 * The first half of a graceful handover (Tandem's, see docs/vrrp-linux.md): each MASTER sends
 * priority 0 so its backup takes over after Skew_Time, but keeps its VIPs until `shutdown`, so the
 * address is never nowhere between the release and the new master's gratuitous ARP (keepalived
 * removes them at once, and clients stall about a second). Adverts and timers are ignored meanwhile:
 * answering the new master's lower-priority advert would take the VIP back.
 */
export function resignAll(ctx: Ctx): void {
  for (const name of ctx.base.order) {
    const i = ctx.get(name);
    if (i.state !== 'MASTER' || i.resigning === true) continue;
    ctx.sendAdvert(name, 0);
    ctx.count(name, ['priZeroSent']);
    ctx.log(`(${name}) sent 0 priority`, 'debug');
    for (const t of Object.keys(i.timers) as VrrpTimerName[]) ctx.cancelTimer(name, t);
    i.resigning = true;
  }
}
