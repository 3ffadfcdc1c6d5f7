/**
 * The working copy one `step` mutates: cloned instance/group/counter records, the effects emitted so far,
 * and the small operations every transition uses (timers, adverts, notifies, logs). `step` stays pure
 * because it clones before mutating and returns the copy.
 */
import { encodeAdvert } from './codec/encode.js';
import type { ResolvedInstance } from './resolve.js';
import type { VrrpCounter, VrrpStats } from './stats.js';
import { advertIntField, masterDownUs, skewUs, usToMs } from './timers.js';
import type {
  VrrpEffect,
  VrrpGroupState,
  VrrpInstanceState,
  VrrpNotifyState,
  VrrpState,
  VrrpStateName,
  VrrpTimerName,
} from './types.js';

type Mut<T> = { -readonly [K in keyof T]: T[K] };
/** A mutable instance record inside one step. */
export type MutInstance = Mut<VrrpInstanceState> & {
  timers: Partial<Record<VrrpTimerName, number>>;
  trackers: VrrpInstanceState['trackers'];
};

/** One step's working state. */
export class Ctx {
  readonly effects: VrrpEffect[] = [];
  readonly inst: Record<string, MutInstance> = {};
  readonly groups: Record<string, Mut<VrrpGroupState>> = {};
  readonly stats: Record<string, Mut<VrrpStats>> = {};

  constructor(
    readonly base: VrrpState,
    readonly now: number,
  ) {
    for (const [k, v] of Object.entries(base.instances)) this.inst[k] = { ...v, timers: { ...v.timers } };
    for (const [k, v] of Object.entries(base.groups)) this.groups[k] = { ...v };
    for (const [k, v] of Object.entries(base.stats)) this.stats[k] = { ...v };
  }

  /** The resolved configuration of an instance. */
  cfg(name: string): ResolvedInstance {
    const c = this.base.config[name];
    if (c === undefined) throw new Error(`unknown VRRP instance ${name}`); // internal invariant only
    return c;
  }

  /** The mutable state of an instance. */
  get(name: string): MutInstance {
    const i = this.inst[name];
    if (i === undefined) throw new Error(`unknown VRRP instance ${name}`); // internal invariant only
    return i;
  }

  /** The instance's sync group state, if it is in one. */
  group(name: string): Mut<VrrpGroupState> | undefined {
    const g = this.cfg(name).group;
    return g === undefined ? undefined : this.groups[g];
  }

  /** The other members of an instance's sync group, in configuration order. */
  others(name: string): string[] {
    const g = this.cfg(name).group;
    return g === undefined ? [] : (this.base.groupMembers[g] ?? []).filter((m) => m !== name);
  }

  /** Emits a log line (`debug` = keepalived's `-D` detail lines). */
  log(message: string, level: 'info' | 'debug' = 'info'): void {
    this.effects.push({ type: 'log', level, message });
  }

  /** Adds one to each counter named. */
  count(name: string, counters: readonly VrrpCounter[]): void {
    const s = this.stats[name];
    if (s === undefined) return;
    for (const c of counters) s[c] += 1;
  }

  /** Skew_Time of the instance now (effective priority, Master_Adver_Interval). */
  skewUs(name: string): number {
    const i = this.get(name);
    return skewUs(this.cfg(name).version, i.effectivePriority, i.masterAdverIntUs);
  }

  /** keepalived `VRRP_MS_DOWN_TIMER`. */
  msDownUs(name: string): number {
    const i = this.get(name);
    const c = this.cfg(name);
    return masterDownUs(c.version, i.effectivePriority, i.masterAdverIntUs, c.downTimerAdverts);
  }

  /** Arms (or re-arms) one timer slot of an instance. */
  setTimer(name: string, timer: VrrpTimerName, at: number): void {
    const t = this.get(name).timers;
    const cur = t[timer];
    // Sub-nanosecond float noise (µs → ms) is not a new deadline.
    if (cur !== undefined && Math.abs(cur - at) < 1e-6) return;
    t[timer] = at;
    this.effects.push({ type: 'set-timer', instance: name, timer, at });
  }

  /** Disarms one timer slot, if armed. */
  cancelTimer(name: string, timer: VrrpTimerName): void {
    const t = this.get(name).timers;
    if (t[timer] === undefined) return;
    const { [timer]: _gone, ...rest } = t;
    this.get(name).timers = rest;
    this.effects.push({ type: 'cancel-timer', instance: name, timer });
  }

  /** keepalived `vrrp_init_instance_sands`: the state timer follows the state. */
  initSands(name: string): void {
    const i = this.get(name);
    if (i.state === 'MASTER') {
      this.cancelTimer(name, 'master-down');
      this.setTimer(name, 'advert', this.now + usToMs(this.cfg(name).adverIntUs));
    } else if (i.state === 'BACKUP') {
      this.cancelTimer(name, 'advert');
      this.setTimer(name, 'master-down', this.now + usToMs(i.msDownTimerUs));
    } else {
      this.cancelTimer(name, 'advert');
      this.cancelTimer(name, 'master-down');
    }
  }

  /** Moves an instance to a state and reports the change (`state-changed`). */
  setState(name: string, to: VrrpStateName): void {
    const i = this.get(name);
    if (i.state === to) return;
    const from = i.state;
    i.state = to;
    this.effects.push({ type: 'state-changed', instance: name, from, to, priority: i.effectivePriority });
  }

  /** Builds and emits one advert (one datagram per unicast peer, else one to the group). */
  sendAdvert(name: string, priority: number): void {
    const c = this.cfg(name);
    const p = c.params;
    const packets = c.destinations.map((dst) => ({
      dst,
      payload: encodeAdvert({
        version: c.version,
        family: p.family,
        vrid: p.vrid,
        priority,
        advertInt: advertIntField(c.version, c.adverIntUs),
        addresses: c.vips,
        authType: c.check.authType,
        password: p.auth?.password ?? '',
        src: c.sourceAddress,
        dst,
        checksumForm: c.checksumForm,
      }),
    }));
    this.effects.push({
      type: 'send-advert',
      instance: name,
      interface: p.interface,
      family: p.family,
      src: c.sourceAddress,
      ttl: 255,
      priority,
      packets,
    });
    this.count(name, ['advertSent']);
  }

  /** keepalived `send_instance_notifies`: skipped when a sync group already reported this state. */
  notifyInstance(name: string): void {
    const i = this.get(name);
    const g = this.group(name);
    if (i.notifiesSent && g !== undefined && g.state === i.state) return;
    i.notifiesSent = true;
    if (i.state === 'INIT') return;
    this.notify('INSTANCE', name, i.state, i.effectivePriority);
  }

  /** Emits one notify effect. */
  notify(scope: 'INSTANCE' | 'GROUP', name: string, state: VrrpNotifyState, priority: number): void {
    this.effects.push({ type: 'notify', scope, name, state, priority });
  }

  /** The state to return: the working copy, frozen into the readonly shape. */
  result(started = this.base.started): VrrpState {
    return { ...this.base, instances: this.inst, groups: this.groups, stats: this.stats, started };
  }
}
