/**
 * State transitions, one function per keepalived routine (`vrrp.c` 2.2.7): going to MASTER, leaving it,
 * leaving FAULT, taking an instance down or up, and the effective-priority update.
 */
import type { Ctx } from './context.js';
import { canGotoMaster, syncBackup, syncFault, syncMaster } from './sync-group.js';
import { clampPriority, trackerContribution, trackerFaults } from './priority.js';
import { skewUs, usToMs } from './timers.js';

/** GARP / unsolicited NA for every VIP and excluded VIP, `repeat` rounds (`vrrp_send_link_update`). */
export function sendGarp(ctx: Ctx, name: string, repeat: number): void {
  const i = ctx.get(name);
  if (!i.vipsSet || repeat <= 0) return;
  const c = ctx.cfg(name);
  const byKey = new Map<string, { iface: string; family: 'ipv4' | 'ipv6'; addrs: string[] }>();
  for (const v of c.allVips) {
    const family = v.address.includes(':') ? 'ipv6' : 'ipv4';
    const iface = v.device ?? c.params.interface;
    const key = `${iface} ${family}`;
    const e = byKey.get(key) ?? { iface, family, addrs: [] };
    e.addrs.push(v.address);
    byKey.set(key, e);
    const what = family === 'ipv4' ? 'gratuitous ARPs' : 'Unsolicited Neighbour Adverts';
    ctx.log(`(${name}) Sending/queueing ${what} on ${iface} for ${v.address}`, 'debug');
  }
  for (const e of byKey.values()) {
    ctx.effects.push({
      type: 'send-garp',
      instance: name,
      interface: e.iface,
      family: e.family,
      addresses: e.addrs,
      repeat,
      intervalMs: c.garp.intervalMs,
    });
  }
}

/** keepalived `vrrp_state_become_master`: VIPs, GARP burst, refresh timer, notify. */
function becomeMaster(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  ctx.count(name, ['becomeMaster']);
  if (c.version === 3 && i.masterAdverIntUs !== c.adverIntUs) {
    ctx.log(
      `(${name}) changing advert interval from ${i.masterAdverIntUs / 1000}ms to locally configured ${c.adverIntUs / 1000}ms`,
      'debug',
    );
    i.masterAdverIntUs = c.adverIntUs;
  }
  if (c.allVips.length > 0) {
    ctx.log(`(${name}) setting VIPs.`, 'debug');
    ctx.effects.push({ type: 'add-vips', instance: name, interface: c.params.interface, vips: c.allVips });
  }
  i.vipsSet = true;
  sendGarp(ctx, name, c.garp.masterRepeat);
  i.garpRefreshAt = c.garp.masterRefreshMs > 0 ? ctx.now + c.garp.masterRefreshMs : undefined;
  ctx.notifyInstance(name);
}

/** keepalived `vrrp_state_master_tx`: the advert first, then (on entry) VIPs and GARP, else GARP refresh. */
export function masterTx(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  ctx.sendAdvert(name, i.effectivePriority);
  if (!i.vipsSet) {
    ctx.log(`(${name}) Entering MASTER STATE`);
    becomeMaster(ctx, name);
    if (c.garp.masterDelayMs > 0) ctx.setTimer(name, 'garp-delay', ctx.now + c.garp.masterDelayMs);
  } else if (c.garp.masterRefreshMs > 0 && i.garpRefreshAt !== undefined && ctx.now > i.garpRefreshAt) {
    sendGarp(ctx, name, c.garp.masterRefreshRepeat);
    i.garpRefreshAt = ctx.now + c.garp.masterRefreshMs;
  }
}

/** keepalived `vrrp_state_goto_master`: held in BACKUP when the sync group cannot follow. */
export function stateGotoMaster(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  if (ctx.group(name) !== undefined && !canGotoMaster(ctx, name)) {
    i.wantState = 'MASTER';
    return;
  }
  ctx.setState(name, 'MASTER');
  ctx.initSands(name);
  masterTx(ctx, name);
}

/** keepalived `vrrp_goto_master`, on Master_Down expiry. */
export function gotoMaster(ctx: Ctx, name: string): void {
  ctx.get(name).wantState = 'MASTER';
  stateGotoMaster(ctx, name);
}

/** keepalived `vrrp_restore_interface`: priority-0 advert if asked, then VIPs removed. */
function restoreInterface(ctx: Ctx, name: string, advF: boolean): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  if (advF) {
    ctx.sendAdvert(name, 0);
    ctx.count(name, ['priZeroSent']);
    ctx.log(`(${name}) sent 0 priority`, 'debug');
  }
  ctx.cancelTimer(name, 'garp-delay');
  ctx.cancelTimer(name, 'garp-lower-prio-delay');
  if (i.vipsSet) {
    if (c.allVips.length > 0) {
      ctx.log(`(${name}) removing VIPs.`, 'debug');
      ctx.effects.push({
        type: 'remove-vips',
        instance: name,
        interface: c.params.interface,
        vips: c.allVips,
      });
    }
    i.vipsSet = false;
    i.garpRefreshAt = undefined;
  }
}

/** keepalived `vrrp_state_leave_master`: to BACKUP (no priority 0) or to FAULT (priority 0 sent). */
export function leaveMaster(ctx: Ctx, name: string, advF: boolean): void {
  const i = ctx.get(name);
  if (i.wantState === 'BACKUP') {
    ctx.log(`(${name}) Entering BACKUP STATE`);
    i.preemptUntil = undefined;
  } else if (i.wantState === 'FAULT') {
    ctx.log(`(${name}) Entering FAULT STATE`);
    ctx.sendAdvert(name, 0);
  } else return;
  restoreInterface(ctx, name, advF);
  ctx.setState(name, i.wantState);
  ctx.notifyInstance(name);
  i.msDownTimerUs = ctx.msDownUs(name);
  ctx.initSands(name);
  ctx.count(name, ['releaseMaster']);
}

/** keepalived `vrrp_state_leave_fault`: to the wanted state with a fresh Master_Down. */
export function leaveFault(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  if (i.wantState === 'MASTER') stateGotoMaster(ctx, name);
  else {
    if (i.state !== i.wantState) ctx.log(`(${name}) Entering ${i.wantState} STATE`);
    if (i.wantState === 'FAULT' && i.state === 'MASTER') {
      ctx.sendAdvert(name, 0);
      restoreInterface(ctx, name, false);
    }
    ctx.setState(name, i.wantState);
    ctx.notifyInstance(name);
    if (i.state === 'BACKUP') i.preemptUntil = undefined;
  }
  i.masterAdverIntUs = c.adverIntUs;
  i.msDownTimerUs = ctx.msDownUs(name);
  ctx.initSands(name);
}

/** Whether an instance's own conditions hold it in FAULT (interface down, a weight-0 tracker failing). */
export function isFaulty(ctx: Ctx, name: string): boolean {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  if (!i.interfaceUp && c.params.dontTrackPrimary !== true) return true;
  return c.trackers.some((t) => trackerFaults(t, i.trackers[t.name]));
}

/** Whether a weight-0 tracker has not reported yet (keepalived `num_script_init`). */
export function isInitPending(ctx: Ctx, name: string): boolean {
  const i = ctx.get(name);
  return ctx.cfg(name).trackers.some((t) => t.weight === 0 && i.trackers[t.name] === undefined);
}

/** keepalived `down_instance`: MASTER → FAULT sends priority 0; the sync group follows. */
export function downInstance(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const othersFaulty = ctx.others(name).some((m) => isFaulty(ctx, m));
  i.wantState = 'FAULT';
  if (i.state === 'MASTER') leaveMaster(ctx, name, true);
  else leaveFault(ctx, name);
  if (ctx.group(name) !== undefined && !othersFaulty) syncFault(ctx, name);
}

/** keepalived `try_up_instance`: leave FAULT/INIT once nothing holds the instance (or its group) down. */
export function tryUpInstance(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  const owner = i.basePriority === 255;
  if (!(i.wantState === 'MASTER' && owner)) i.wantState = 'BACKUP';
  i.masterAdverIntUs = c.adverIntUs;
  i.msDownTimerUs =
    i.wantState === 'MASTER' && owner
      ? c.adverIntUs + skewUs(c.version, i.effectivePriority, i.masterAdverIntUs)
      : ctx.msDownUs(name);
  const g = ctx.group(name);
  if (g !== undefined && ctx.others(name).some((m) => isFaulty(ctx, m) || isInitPending(ctx, m))) return;
  const want = i.wantState;
  if (g !== undefined && i.wantState === 'MASTER' && !canGotoMaster(ctx, name)) i.wantState = 'BACKUP';
  leaveFault(ctx, name);
  ctx.initSands(name);
  i.wantState = want;
  if (g !== undefined) {
    if (i.state === 'MASTER') syncMaster(ctx, name);
    else syncBackup(ctx, name);
  }
}

/** Recomputes total and effective priority from the trackers (keepalived `vrrp_set_effective_priority`). */
export function updatePriority(ctx: Ctx, name: string): void {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  i.totalPriority =
    i.basePriority + c.trackers.reduce((s, t) => s + trackerContribution(t, i.trackers[t.name]), 0);
  if (i.basePriority === 255) return;
  const next = clampPriority(i.basePriority, i.totalPriority);
  if (next === i.effectivePriority) return;
  ctx.log(`(${name}) Changing effective priority from ${i.effectivePriority} to ${next}`);
  i.effectivePriority = next;
  const old = i.msDownTimerUs;
  i.msDownTimerUs = ctx.msDownUs(name);
  // A backup's running down timer moves by the change (vrrp_track.c l.584).
  const due = i.timers['master-down'];
  if (i.state === 'BACKUP' && due !== undefined)
    ctx.setTimer(name, 'master-down', due + usToMs(i.msDownTimerUs - old));
}
