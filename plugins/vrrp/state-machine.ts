/**
 * The VRRP core as a pure reducer (design.md §3): `step(state, input)` returns the next state and the
 * effects to run, keepalived 2.2.7's behaviour message for message and timer for timer. No I/O, no clock:
 * every input carries `now`.
 */
import { emptyStats } from './stats.js';
import { Ctx } from './context.js';
import {
  interfaceChanged,
  resignAll,
  shutdownAll,
  startAll,
  timerFired,
  trackerChanged,
} from './lifecycle.js';
import { reconfigureState } from './reconfigure.js';
import type { VrrpParams } from './params.js';
import { receivePacket } from './receive.js';
import { resolveParams } from './resolve.js';
import type { VrrpGroupState, VrrpInstanceState, VrrpInput, VrrpState, VrrpStepResult } from './types.js';
import type { VrrpStats } from './stats.js';

/** The state before `start`: every instance in INIT, nothing armed. */
export function createVrrpState(params: VrrpParams): VrrpState {
  const config = resolveParams(params);
  const instances: Record<string, VrrpInstanceState> = {};
  const stats: Record<string, VrrpStats> = {};
  for (const c of Object.values(config)) {
    instances[c.name] = {
      name: c.name,
      state: 'INIT',
      wantState: c.initialWant,
      basePriority: c.basePriority,
      effectivePriority: c.basePriority,
      totalPriority: c.basePriority,
      masterAdverIntUs: c.adverIntUs,
      msDownTimerUs: 0,
      masterAddress: undefined,
      masterPriority: undefined,
      preemptUntil: undefined,
      vipsSet: false,
      garpRefreshAt: undefined,
      interfaceUp: true,
      trackers: {},
      timers: {},
      notifiesSent: false,
    };
    stats[c.name] = emptyStats();
  }
  const groups: Record<string, VrrpGroupState> = {};
  const groupMembers: Record<string, string[]> = {};
  for (const g of params.syncGroups ?? []) {
    const members = g.members.filter((m) => config[m] !== undefined);
    if (members.length === 0) continue; // "Sync group G has no virtual router(s). removing"
    groups[g.name] = { name: g.name, state: 'BACKUP' };
    groupMembers[g.name] = members;
  }
  return {
    config,
    order: params.instances.map((p) => p.name).filter((n, i, a) => a.indexOf(n) === i),
    groupMembers,
    logUnknownVrids: params.logUnknownVrids === true,
    instances,
    groups,
    stats,
    started: false,
  };
}

/** Applies one input. Never throws for any input, whatever a packet's bytes. */
export function step(state: VrrpState, input: VrrpInput): VrrpStepResult {
  const ctx = new Ctx(state, input.now);
  switch (input.type) {
    case 'start':
      if (state.started) return { state, effects: [] };
      startAll(ctx, input.trackers ?? {});
      return { state: ctx.result(true), effects: ctx.effects };
    case 'packet':
      if (!state.started) return { state, effects: [] };
      receivePacket(ctx, input.packet);
      break;
    case 'timer':
      if (state.instances[input.instance] === undefined) return { state, effects: [] };
      timerFired(ctx, input.instance, input.timer);
      break;
    case 'tracker':
      trackerChanged(ctx, input.name, input.state);
      break;
    case 'interface':
      interfaceChanged(ctx, input.interface, input.up);
      break;
    case 'shutdown':
      shutdownAll(ctx);
      break;
    case 'resign':
      resignAll(ctx);
      break;
    case 'reconfigure':
      if (!state.started) return { state: createVrrpState(input.params), effects: [] };
      return reconfigureState(state, input.now, input.params, input.trackers);
  }
  return { state: ctx.result(), effects: ctx.effects };
}
