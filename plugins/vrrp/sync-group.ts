/**
 * Sync groups (keepalived `vrrp_sync.c`): members move together. MASTER only when every member wants it,
 * one member losing pulls all to BACKUP, one member's FAULT pulls all to FAULT.
 */
import type { Ctx } from './context.js';
import { leaveFault, leaveMaster, stateGotoMaster } from './transitions.js';

/** keepalived `vrrp_sync_can_goto_master`: prefer BACKUP until every other member wants MASTER. */
export function canGotoMaster(ctx: Ctx, name: string): boolean {
  const g = ctx.group(name);
  if (g === undefined || g.state === 'MASTER') return true;
  for (const m of ctx.others(name)) {
    if (ctx.get(m).wantState !== 'MASTER') {
      const i = ctx.get(name);
      i.msDownTimerUs = ctx.msDownUs(name);
      ctx.initSands(name);
      return false;
    }
  }
  return true;
}

function groupNotify(ctx: Ctx, name: string): void {
  const g = ctx.group(name);
  if (g === undefined || g.state === 'INIT') return;
  ctx.notify('GROUP', g.name, g.state, 0);
}

/** keepalived `vrrp_sync_backup`. */
export function syncBackup(ctx: Ctx, name: string): void {
  const g = ctx.group(name);
  if (g === undefined || g.state === 'BACKUP') return;
  ctx.log(`VRRP_Group(${g.name}) Syncing instances to BACKUP state`);
  for (const m of ctx.others(name)) {
    const i = ctx.get(m);
    if (i.state === 'BACKUP') continue;
    i.wantState = 'BACKUP';
    if (i.state === 'FAULT' || i.state === 'INIT') leaveFault(ctx, m);
    else leaveMaster(ctx, m, false);
  }
  g.state = 'BACKUP';
  groupNotify(ctx, name);
}

/** keepalived `vrrp_sync_master`. */
export function syncMaster(ctx: Ctx, name: string): void {
  const g = ctx.group(name);
  if (g === undefined || g.state === 'MASTER') return;
  if (!canGotoMaster(ctx, name)) return;
  ctx.log(`VRRP_Group(${g.name}) Syncing instances to MASTER state`);
  for (const m of ctx.others(name)) {
    const i = ctx.get(m);
    if (i.state === 'MASTER') continue;
    i.wantState = 'MASTER';
    stateGotoMaster(ctx, m);
  }
  g.state = 'MASTER';
  groupNotify(ctx, name);
}

/** keepalived `vrrp_sync_fault`. */
export function syncFault(ctx: Ctx, name: string): void {
  const g = ctx.group(name);
  if (g === undefined || g.state === 'FAULT') return;
  ctx.log(`VRRP_Group(${g.name}) Syncing instances to FAULT state`);
  for (const m of ctx.others(name)) {
    const i = ctx.get(m);
    if (i.state === 'FAULT') continue;
    i.wantState = 'FAULT';
    if (i.state === 'MASTER') leaveMaster(ctx, m, false);
    else if (i.state === 'BACKUP' || i.state === 'INIT') {
      // keepalived sets FAULT first ("a bit of a bodge"), so no "Entering FAULT STATE" line for these.
      ctx.setState(m, 'FAULT');
      leaveFault(ctx, m);
    }
  }
  g.state = 'FAULT';
  groupNotify(ctx, name);
}

/** keepalived `VRRP_TSM_HANDLE`: B→M, M→M, F→M run sync_master; M→B runs sync_backup. */
export function syncTransition(ctx: Ctx, name: string, prev: string): void {
  if (ctx.group(name) === undefined) return;
  const cur = ctx.get(name).state;
  if (cur === 'MASTER' && (prev === 'BACKUP' || prev === 'MASTER' || prev === 'FAULT')) syncMaster(ctx, name);
  else if (prev === 'MASTER' && cur === 'BACKUP') syncBackup(ctx, name);
}
