/**
 * The receive path (keepalived `vrrp_dispatcher_read`, `vrrp_state_backup`, `vrrp_state_master_rx`):
 * decode, find the instance by interface/family/VRID, validate, then act by state. A packet that fails
 * validation changes nothing but counters and a log line.
 */
import { compareAddresses, isMulticast } from './codec/address.js';
import { decodeAdvert } from './codec/decode.js';
import type { VrrpAdvert } from './codec/advert.js';
import type { ReceivedVrrpPacket } from './codec/packet.js';
import { checkAdvert } from './codec/validate.js';
import type { Ctx } from './context.js';
import { syncTransition } from './sync-group.js';
import { fieldToUs, usToMs } from './timers.js';
import { leaveMaster, sendGarp } from './transitions.js';

function learnInterval(ctx: Ctx, name: string, adv: VrrpAdvert): void {
  const c = ctx.cfg(name);
  if (c.version !== 3) return;
  const i = ctx.get(name);
  const mai = fieldToUs(3, adv.advertInt);
  if (mai === i.masterAdverIntUs) return;
  ctx.log(
    `(${name}) advertisement interval updated from ${i.masterAdverIntUs / 1000}ms to ${mai / 1000}ms by master`,
    'debug',
  );
  i.masterAdverIntUs = mai;
}

/** BACKUP: `invalid` when the advert failed validation (nothing changed), `ignored` when discarded. */
function backupRx(
  ctx: Ctx,
  name: string,
  p: ReceivedVrrpPacket,
  adv: VrrpAdvert,
): 'accepted' | 'ignored' | 'invalid' {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  const checkAddr = c.params.skipCheckAdvAddr !== true || i.masterAddress !== p.src;
  const r = checkAdvert(c.check, p, adv, checkAddr);
  ctx.count(name, r.counters);
  if (!r.ok) {
    ctx.log(r.log);
    return 'invalid';
  }
  let ignore = false;
  if (adv.priority === 0) {
    ctx.log(`(${name}) Backup received priority 0 advertisement`, 'debug');
    i.msDownTimerUs = ctx.skewUs(name);
  } else if (
    !c.preempt ||
    adv.priority >= i.effectivePriority ||
    (c.preemptDelayMs > 0 && (i.preemptUntil === undefined || i.preemptUntil > ctx.now))
  ) {
    learnInterval(ctx, name, adv);
    i.msDownTimerUs = ctx.msDownUs(name);
    i.masterAddress = p.src;
    i.masterPriority = adv.priority;
    if (c.preemptDelayMs > 0) {
      if (adv.priority >= i.effectivePriority) {
        if (i.preemptUntil !== undefined) {
          ctx.log(`(${name}) stop preempt delay`, 'debug');
          i.preemptUntil = undefined;
        }
      } else if (i.preemptUntil === undefined) {
        ctx.log(`(${name}) start preempt delay (${(c.preemptDelayMs / 1000).toFixed(6)})`, 'debug');
        i.preemptUntil = ctx.now + c.preemptDelayMs;
      }
    }
    i.wantState = 'BACKUP';
  } else {
    ctx.log(`(${name}) received lower priority (${adv.priority}) advert from ${p.src} - discarding`);
    ignore = true;
    i.masterAddress = p.src;
  }
  if (ignore) {
    // The down timer keeps running: what is left of it becomes the new ms_down_timer.
    const due = i.timers['master-down'] ?? ctx.now;
    i.msDownTimerUs = Math.max(0, Math.round((due - ctx.now) * 1000));
    return 'ignored';
  }
  return 'accepted';
}

/** MASTER: returns undefined when invalid, else whether to leave MASTER. */
function masterRx(ctx: Ctx, name: string, p: ReceivedVrrpPacket, adv: VrrpAdvert): boolean | undefined {
  const i = ctx.get(name);
  const c = ctx.cfg(name);
  const r = checkAdvert(c.check, p, adv, true);
  ctx.count(name, r.counters);
  if (!r.ok) {
    ctx.log(r.log);
    return undefined;
  }
  const addrCmp = compareAddresses(c.params.family, p.src, c.sourceAddress);
  const eff = i.effectivePriority;
  const higher = adv.priority > eff || (adv.priority === eff && addrCmp > 0);
  if (adv.priority === 0 || (c.params.higherPrioSendAdvert === true && higher)) {
    ctx.sendAdvert(name, eff);
    if (adv.priority === 0) {
      ctx.log(`(${name}) Master received priority 0 message`, 'debug');
      return false;
    }
  }
  if (adv.priority === eff) {
    if (addrCmp === 0)
      ctx.log(`(${name}) WARNING - equal priority advert received from remote host with our IP address.`);
    else if (eff === 255) {
      ctx.log(
        `(${name}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`,
      );
      i.effectivePriority = 254;
      i.basePriority = 254;
      i.totalPriority = 254;
    }
  }
  const ours = i.effectivePriority;
  if (adv.priority < ours || (adv.priority === ours && addrCmp < 0)) {
    const noAdvert = c.params.lowerPrioNoAdvert === true;
    ctx.log(
      `(${name}) Received advert from ${p.src} with lower priority ${adv.priority}, ours ${ours}${noAdvert ? '' : ', forcing new election'}`,
    );
    if (!noAdvert) ctx.sendAdvert(name, ours);
    for (const m of [name, ...ctx.others(name)]) {
      const g = ctx.cfg(m).garp;
      if (g.lowerPrioRepeat <= 0) continue;
      sendGarp(ctx, m, g.lowerPrioRepeat);
      if (g.lowerPrioDelayMs > 0) ctx.setTimer(m, 'garp-lower-prio-delay', ctx.now + g.lowerPrioDelayMs);
    }
    ctx.notify('INSTANCE', name, 'MASTER_RX_LOWER_PRI', ours);
    return false;
  }
  if (adv.priority > ours || (adv.priority === ours && addrCmp > 0)) {
    if (adv.priority > ours)
      ctx.log(
        `(${name}) Master received advert from ${p.src} with higher priority ${adv.priority}, ours ${ours}`,
      );
    else
      ctx.log(
        `(${name}) Master received advert from ${p.src} with same priority ${adv.priority} but higher IP address than ours`,
      );
    learnInterval(ctx, name, adv);
    i.msDownTimerUs = ctx.msDownUs(name);
    i.masterPriority = adv.priority;
    i.masterAddress = p.src;
    i.wantState = 'BACKUP';
    return true;
  }
  return false;
}

function findInstance(ctx: Ctx, p: ReceivedVrrpPacket, vrid: number): string | undefined {
  let first: string | undefined;
  for (const name of ctx.base.order) {
    const c = ctx.cfg(name);
    if (c.params.interface !== p.interface || c.params.family !== p.family || c.params.vrid !== vrid)
      continue;
    if (!c.unicast || c.destinations.includes(p.src)) return name;
    first ??= name;
  }
  return first;
}

/** Handles one received packet. */
export function receivePacket(ctx: Ctx, p: ReceivedVrrpPacket): void {
  const adv = decodeAdvert(p.payload, p.family);
  if (adv === undefined) {
    const len = (p.family === 'ipv4' ? (p.ipHeader?.length ?? 20) : 0) + p.payload.length;
    ctx.log(`${p.family === 'ipv4' ? 'IPv4' : 'IPv6'} VRRP packet too short - ${len} bytes`);
    return;
  }
  const name = findInstance(ctx, p, adv.vrid);
  if (name === undefined) {
    if (ctx.base.logUnknownVrids)
      ctx.log(`Unknown VRID(${adv.vrid}) received on interface(${p.interface}). ignoring...`);
    return;
  }
  const i = ctx.get(name);
  // Adverts are ignored in FAULT and before initialisation (vrrp_dispatcher_read), and by a master
  // handing over (it answered priority 0 already; see resignAll).
  if ((i.state !== 'BACKUP' && i.state !== 'MASTER') || i.resigning === true) return;
  const c = ctx.cfg(name);
  if (p.family === 'ipv6' && isMulticast('ipv6', p.dst) === c.unicast) {
    const m = c.unicast ? 'mult' : 'un';
    ctx.log(`(${name}) discarding ${m}icast packet on ${c.unicast ? 'un' : 'mult'}icast instance`, 'debug');
    return;
  }
  const prev = i.state;
  if (prev === 'BACKUP') {
    const outcome = backupRx(ctx, name, p, adv);
    // A discarded advert leaves the down timer running where it was (keepalived recomputes the same sands).
    if (outcome !== 'accepted') return;
  } else {
    const leave = masterRx(ctx, name, p, adv);
    if (leave === undefined) return;
    if (leave) leaveMaster(ctx, name, false);
  }
  syncTransition(ctx, name, prev);
  if (i.state !== 'MASTER' || c.params.lowerPrioNoAdvert !== true) {
    // keepalived re-arms after every advert: a master's next advert is one interval after this one.
    if (i.state === 'BACKUP') {
      ctx.cancelTimer(name, 'advert');
      ctx.setTimer(name, 'master-down', ctx.now + usToMs(i.msDownTimerUs));
    } else ctx.initSands(name);
  }
}
