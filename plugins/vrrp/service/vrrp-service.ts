import {
  messageOf,
  type KeepalivedConfig,
  type PluginContext,
  type Signal,
  type TrackerState,
} from '../../../src/index.js';
import { LinuxVrrpIo, type LinuxEffect } from '../linux/linux-io.js';
import { VrrpMachine } from '../machine.js';
import type { VrrpEffect } from '../types.js';
import {
  groupNotifyOf,
  linuxInstancesOf,
  pacerNiceOf,
  trackedRefs,
  vrrpParamsOf,
  type TrackRef,
} from './params-from-model.js';
import { HandoverWatch } from './handover.js';
import { refuseUnsafeConfig } from './unsafe-config.js';
import { ownershipFile, sourcesOf } from './sources.js';
import { syncGroupStatusOf, vrrpStatusOf, type TransitionLog } from './status.js';

/** A tracker the service could not find: it counts as up, and the operator is told once. */
const MISSING: TrackerState = { up: true, reason: 'tracker not available' };

/** Resolves after the event loop's next poll phase (setImmediate runs in the check phase after it). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/**
 * VRRP from keepalived.conf on the real network: the pure engine ({@link VrrpMachine}) on the
 * daemon's clock, its I/O effects run by {@link LinuxVrrpIo}, links and trackers fed in as inputs,
 * virtual routes and rules following MASTER, and a graceful stop that sends priority 0 and removes
 * every address Tandem added.
 */
export class VrrpService {
  readonly #ctx: PluginContext;
  #model: KeepalivedConfig;
  /** During a reload: the configuration being left, for effects of the instances it removes. */
  #leaving: KeepalivedConfig | undefined;
  #io: LinuxVrrpIo | undefined;
  #machine: VrrpMachine | undefined;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #links: (() => void)[] = [];
  readonly #handover = new HandoverWatch();
  #shutDown = false;
  /** Per-instance queue: VIP changes and the GARP that needs them run in order, adverts never wait. */
  readonly #queues = new Map<string, Promise<void>>();
  readonly #transitions: TransitionLog = new Map();

  constructor(ctx: PluginContext, model: KeepalivedConfig) {
    this.#ctx = ctx;
    this.#model = model;
  }

  /** The engine, once started (status, tests). */
  get machine(): VrrpMachine | undefined {
    return this.#machine;
  }

  async start(): Promise<void> {
    // Before any socket opens or address is touched: nothing to undo.
    refuseUnsafeConfig(this.#model, 'start');
    const log = this.#ctx.log;
    const io = new LinuxVrrpIo({
      instances: linuxInstancesOf(this.#model),
      groups: groupNotifyOf(this.#model),
      fifos: [this.#model.globalDefs.notifyFifo, this.#model.globalDefs.vrrpNotifyFifo]
        .filter((p): p is string => p !== undefined)
        .map((path) => ({ path })),
      stateFile: ownershipFile(),
      log,
      ...pacerNiceOf(this.#model),
    });
    this.#io = io;
    await io.start((d) => {
      if (this.#handover.active) this.#handover.observe(d);
      this.#machine?.receive(d);
    });
    try {
      const sources = await sourcesOf(this.#model);
      const machine = new VrrpMachine(
        vrrpParamsOf(this.#model, sources),
        this.#ctx.clock,
        (e) => {
          this.#effect(e);
        },
        // Received adverts before timeouts, as keepalived (see VrrpMachineOptions.deferTimer).
        { deferTimer: (fire) => setImmediate(fire) },
      );
      this.#machine = machine;
      const initial = this.#subscribeTrackers(machine, io);
      machine.start(initial);
      this.#followLinks(machine, io);
    } catch (err) {
      await io.stop();
      throw err;
    }
  }

  #signalOf(io: LinuxVrrpIo, ref: TrackRef): Signal<TrackerState> | undefined {
    const published = this.#ctx.trackers.get(ref.kind, ref.name);
    // track_interface: the interface tracker (with its up/down delays) when it runs, else the raw link.
    return published ?? (ref.kind === 'interface' ? io.interfaceSignal(ref.name) : undefined);
  }

  /** Subscribes to every tracker named in the config; returns their states now, for the start. */
  #subscribeTrackers(machine: VrrpMachine, io: LinuxVrrpIo): Record<string, TrackerState> {
    const initial: Record<string, TrackerState> = {};
    for (const ref of trackedRefs(this.#model)) {
      const signal = this.#signalOf(io, ref);
      if (signal === undefined) {
        this.#ctx.log.warn(`track_${ref.kind} ${ref.name}: no such tracker is running; treating it as up`);
        initial[ref.name] = MISSING;
        continue;
      }
      initial[ref.name] = signal.get();
      this.#unsubscribe.push(
        signal.subscribe((state) => {
          machine.tracker(ref.name, state);
        }),
      );
    }
    return initial;
  }

  /** Each instance's own link: down means FAULT unless `dont_track_primary` (the engine decides). */
  #followLinks(machine: VrrpMachine, io: LinuxVrrpIo): void {
    const ifaces = new Set(
      this.#model.vrrpInstances.map((i) => i.interface ?? this.#model.globalDefs.defaultInterface),
    );
    for (const iface of ifaces) {
      const signal = io.interfaceSignal(iface);
      if (!signal.get().up) machine.interfaceChanged(iface, false);
      this.#links.push(
        signal.subscribe((s) => {
          machine.interfaceChanged(iface, s.up);
        }),
      );
    }
  }

  #enqueue(instance: string, job: () => Promise<unknown>): void {
    const prev = this.#queues.get(instance) ?? Promise.resolve();
    // A job spawns `ip`/`arping` (a fork each, milliseconds for a Node process). raw-socket writes an
    // advert when the socket polls writable, i.e. in the next poll phase, so a job started from a
    // microtask would run its forks first and delay a new master's first advert by 10-20 ms
    // (measured). keepalived sends the advert, then sets VIPs, then GARPs: wait one turn.
    const next = prev
      .then(nextTurn)
      .then(job)
      .then(
        () => undefined,
        (err: unknown) => {
          this.#ctx.log.error(`(${instance}) ${messageOf(err)}`);
        },
      );
    this.#queues.set(instance, next);
  }

  #effect(e: VrrpEffect): void {
    const io = this.#io;
    if (io === undefined) return;
    switch (e.type) {
      case 'log':
        if (e.level === 'debug') this.#ctx.log.debug(e.message);
        else this.#ctx.log.info(e.message);
        return;
      case 'send-advert':
        void io.run(e);
        return;
      case 'add-vips':
      case 'remove-vips': {
        const effect = e as LinuxEffect;
        const done = e.type === 'add-vips' ? 'vrrp.vips_added' : 'vrrp.vips_removed';
        this.#enqueue(e.instance, async () => {
          await io.run(effect);
          // Listeners following the instance bind now, before the queued GARP announces the VIP;
          // after a removal they close (src/proxy/vip/listener-gate.ts).
          this.#ctx.bus.emit(done, { instance: e.instance });
        });
        return;
      }
      case 'send-garp': {
        const effect = e as LinuxEffect;
        this.#enqueue(e.instance, () => io.run(effect));
        return;
      }
      case 'notify':
        void io.run(e);
        return;
      case 'state-changed':
        this.#stateChanged(e.instance, e.from, e.to, e.priority);
        return;
      case 'set-timer':
      case 'cancel-timer':
        return;
    }
  }

  #stateChanged(instance: string, from: string, to: string, priority: number): void {
    const entry = this.#transitions.get(instance) ?? { last: null, counts: {} };
    entry.last = this.#ctx.clock.wallNow();
    entry.counts[to] = (entry.counts[to] ?? 0) + 1;
    this.#transitions.set(instance, entry);
    const io = this.#io;
    if (from === 'MASTER') io?.leftMaster(instance);
    const config =
      this.#model.vrrpInstances.find((i) => i.name === instance) ??
      this.#leaving?.vrrpInstances.find((i) => i.name === instance);
    if (io !== undefined && config !== undefined) {
      // virtual_routes and virtual_rules follow the VIPs: present only on the MASTER.
      const routes = config.virtualRoutes.map((r) => r.words);
      const rules = config.virtualRules.map((r) => r.words);
      if (to === 'MASTER' && (routes.length > 0 || rules.length > 0)) {
        this.#enqueue(instance, async () => {
          await io.kernel.addRoutes(instance, routes);
          await io.kernel.addRules(instance, rules);
        });
      } else if (from === 'MASTER' && (routes.length > 0 || rules.length > 0)) {
        this.#enqueue(instance, async () => {
          await io.kernel.removeRules(rules);
          await io.kernel.removeRoutes(routes);
        });
      }
    }
    this.#ctx.bus.emit('vrrp.state_changed', { instance, from, to, priority });
  }

  /**
   * A reload in place (keepalived's SIGHUP): interfaces and source addresses are checked first (a
   * failure rejects and changes nothing), then sockets and notify scripts follow the new config,
   * trackers are subscribed anew, and the engine applies it keeping each kept instance's state.
   * `notify_fifo` paths are kept from the start (a change needs a restart; logged).
   */
  async reload(next: KeepalivedConfig): Promise<boolean> {
    const io = this.#io;
    const machine = this.#machine;
    if (io === undefined || machine === undefined || this.#shutDown) return false;
    refuseUnsafeConfig(next, 'reload');
    const sources = await sourcesOf(next);
    await io.reconfigure(linuxInstancesOf(next), groupNotifyOf(next));
    const before = this.#model;
    if (
      before.globalDefs.notifyFifo !== next.globalDefs.notifyFifo ||
      before.globalDefs.vrrpNotifyFifo !== next.globalDefs.vrrpNotifyFifo
    )
      this.#ctx.log.warn('notify_fifo changed: the new FIFO is used after a restart');
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const off of this.#links.splice(0)) off();
    this.#leaving = before;
    this.#model = next;
    try {
      const trackers = this.#subscribeTrackers(machine, io);
      machine.reconfigure(vrrpParamsOf(next, sources), trackers);
      this.#followLinks(machine, io);
    } finally {
      this.#leaving = undefined;
    }
    const names = new Set(next.vrrpInstances.map((i) => i.name));
    for (const name of this.#transitions.keys()) if (!names.has(name)) this.#transitions.delete(name);
    return true;
  }

  /**
   * The first step of a graceful stop: each MASTER sends priority 0 but keeps its VIPs until its
   * new master's first advert is seen (bounded by Master_Down_Interval), plus a short linger for
   * that master's gratuitous ARP; then the VIPs go. See docs/vrrp-linux.md "Graceful handover".
   */
  async handover(signal: AbortSignal): Promise<void> {
    const machine = this.#machine;
    if (machine === undefined || this.#shutDown) return;
    const outcome = await this.#handover.run(machine.state, this.#ctx.clock, () => machine.resign(), signal);
    for (const [name, ms] of outcome.seen)
      this.#ctx.log.info(`(${name}) new master advertised ${ms.toFixed(0)} ms after our priority 0`);
    for (const name of outcome.missed)
      this.#ctx.log.warn(`(${name}) no new master advertised after our priority 0; removing the VIPs anyway`);
    await this.#shutdown();
  }

  /** Priority 0 from masters not already handed over, VIPs and routes removed, notify STOP. */
  async #shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const off of this.#links.splice(0)) off();
    this.#machine?.shutdown();
    await Promise.all(this.#queues.values());
  }

  /** Graceful stop: priority-0 adverts, VIPs and routes removed, notify STOP, sockets closed. */
  async stop(): Promise<void> {
    await this.#shutdown();
    await this.#io?.stop();
  }

  /** Instances as the status API shows them. */
  vrrpStatus(): ReturnType<typeof vrrpStatusOf> {
    return this.#machine === undefined
      ? []
      : vrrpStatusOf(this.#machine.state, this.#model, this.#transitions);
  }

  /** Sync groups as the status API shows them. */
  syncGroupStatus(): ReturnType<typeof syncGroupStatusOf> {
    return this.#machine === undefined ? [] : syncGroupStatusOf(this.#machine.state);
  }
}
