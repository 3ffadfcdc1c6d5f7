import type { TimerHandle } from '../../core/clock.js';
import type { Signal, TrackerState } from '../../core/signal.js';
import { errnoText } from '../stream/errno-text.js';
import { bindErrorText, errorCode } from './bind-error.js';
import { fdHeadroomProblem } from './fd-headroom.js';
import { HealthSignals, type ListenerFailure } from './health-signals.js';
import type { GatedListener, ListenerGateOptions } from './gated-listener.js';
import { listenModeOf, servedInstances, type ListenMode, type VipOwners } from './listen-decision.js';
import { portHeld as procPortHeld } from './port-holders.js';

export type { GatedListener, ListenerGateOptions } from './gated-listener.js';

interface Entry {
  readonly l: GatedListener;
  readonly mode: ListenMode;
  readonly serves: readonly string[];
  wanted: boolean;
  /** Since when a bind is wanted (clock ms), for the EADDRNOTAVAIL wait. */
  wantedAt: number;
  binding: boolean;
  failure: { readonly code: string; readonly text: string; readonly at: number } | undefined;
  retry: TimerHandle | undefined;
  /** Pending release after leaving MASTER, until the VIPs are gone (or the fallback fires). */
  release: TimerHandle | undefined;
  /** Accept errors counted at the previous check. */
  acceptErrors: number;
}

/** VIPs are added just after the MASTER transition (`ip addr add`); IPv6 ones stay tentative through DAD (~1 s). */
const VIP_WAIT_MS = 5000;
const VIP_POLL_MS = 10;
/** Longest a listener stays open after its instance left MASTER when no `vrrp.vips_removed` comes. */
const RELEASE_WAIT_MS = 1000;

/**
 * Binds listeners on VIPs while their VRRP instance is MASTER and releases them when it leaves
 * (when `ip_nonlocal_bind` is off; see {@link listenModeOf}), and turns listener trouble into the
 * proxy health tracker: one signal per instance and one overall. A listener is unhealthy while it
 * should serve and cannot: its bind as MASTER failed, or a listener bound at start stopped listening.
 * A failed bind stays a failure while the instance is not MASTER until the cause is gone (the port is
 * free again for EADDRINUSE, one interval for other errors), so a weighted tracker does not flap.
 */
export class ListenerGate {
  readonly #o: ListenerGateOptions;
  #owners: VipOwners;
  readonly #masters = new Set<string>();
  readonly #entries = new Map<string, Entry>();
  readonly #health = new HealthSignals();
  /** The health of every listener together (what a replaced `pidof nginx` check reports). */
  get overall(): Signal<TrackerState> {
    return this.#health.overall;
  }
  readonly #off: (() => void)[] = [];
  #timer: TimerHandle | undefined;

  constructor(options: ListenerGateOptions) {
    this.#o = options;
    this.#owners = options.owners;
  }

  /**
   * Applies a reloaded keepalived.conf's VIPs: every listener's mode is decided again, so one whose
   * address became a VIP follows its instance from now on, and one that is no longer a VIP binds.
   */
  setOwners(owners: VipOwners): void {
    this.#owners = owners;
    for (const e of [...this.#entries.values()]) {
      this.add(e.l);
      const now = this.#entries.get(e.l.name);
      if (now?.mode.kind === 'now' && !now.l.listening()) this.#bind(now);
    }
  }

  /** Subscribes to VRRP's events and starts the periodic check. */
  start(): void {
    this.#off.push(
      this.#o.bus.on('vrrp.state_changed', (e) => {
        this.#stateChanged(e.instance, e.to);
      }),
      this.#o.bus.on('vrrp.vips_added', (e) => {
        for (const en of this.#entries.values())
          if (en.wanted && en.serves.includes(e.instance)) this.#bind(en);
      }),
      this.#o.bus.on('vrrp.vips_removed', (e) => {
        for (const en of this.#entries.values())
          if (en.release !== undefined && en.serves.includes(e.instance)) this.#release(en);
      }),
    );
    const tick = (): void => {
      this.#check();
      this.#timer = this.#o.clock.setTimeout(tick, this.#o.intervalMs);
    };
    this.#timer = this.#o.clock.setTimeout(tick, this.#o.intervalMs);
  }

  stop(): void {
    for (const off of this.#off.splice(0)) off();
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    for (const e of this.#entries.values()) {
      if (e.retry !== undefined) this.#o.clock.clearTimeout(e.retry);
      if (e.release !== undefined) this.#o.clock.clearTimeout(e.release);
    }
  }

  /** How a listener on `host` binds under this gate. */
  modeOf(host: string): ListenMode {
    return listenModeOf(host, this.#owners, this.#o.nonlocal);
  }

  /** The health signal of one instance (created up on first use). */
  healthOf(instance: string): Signal<TrackerState> {
    return this.#health.of(instance);
  }

  /** Whether `name` is bound and what it follows, for /status. */
  status(name: string): { bound: boolean; follows: string | null } | undefined {
    const e = this.#entries.get(name);
    if (e === undefined) return undefined;
    return { bound: e.l.listening(), follows: e.mode.kind === 'follow' ? e.mode.instances.join(',') : null };
  }

  /**
   * Registers a listener (replacing one of the same name: a reload's successor). A following
   * listener is bound at once when its instance is MASTER already (a reload while MASTER), else on
   * the transition. Returns the unregister function; it does not release the socket.
   */
  add(l: GatedListener): () => void {
    const mode = this.modeOf(l.host);
    const old = this.#entries.get(l.name);
    if (old?.retry !== undefined) this.#o.clock.clearTimeout(old.retry);
    if (old?.release !== undefined) this.#o.clock.clearTimeout(old.release);
    const e: Entry = {
      l,
      mode,
      serves: servedInstances(l.host, this.#owners),
      wanted: mode.kind === 'now' || mode.instances.some((i) => this.#masters.has(i)),
      wantedAt: this.#o.clock.now(),
      binding: false,
      failure: old?.failure,
      retry: undefined,
      release: undefined,
      acceptErrors: l.acceptErrors?.().count ?? 0,
    };
    this.#entries.set(l.name, e);
    if (mode.kind === 'follow') {
      this.#o.log.info(`listener ${l.name} follows VRRP instance ${mode.instances.join(', ')}`);
      if (e.wanted && !l.listening()) this.#bind(e);
      else if (!e.wanted && l.listening()) l.release();
    }
    this.#publish();
    return () => {
      if (this.#entries.get(l.name) !== e) return;
      if (e.retry !== undefined) this.#o.clock.clearTimeout(e.retry);
      if (e.release !== undefined) this.#o.clock.clearTimeout(e.release);
      this.#entries.delete(l.name);
      this.#publish();
    };
  }

  #stateChanged(instance: string, to: string): void {
    if (to === 'MASTER') this.#masters.add(instance);
    else this.#masters.delete(instance);
    for (const e of this.#entries.values()) {
      if (e.mode.kind !== 'follow' || !e.mode.instances.includes(instance)) continue;
      const wanted = e.mode.instances.some((i) => this.#masters.has(i));
      if (wanted === e.wanted) continue;
      e.wanted = wanted;
      e.wantedAt = this.#o.clock.now();
      if (e.release !== undefined) this.#o.clock.clearTimeout(e.release);
      e.release = undefined;
      if (wanted) this.#bind(e);
      else if (e.l.listening()) {
        // Connections that still reach the VIP are served until it is removed (a graceful stop may
        // hold it until the new master advertises); then the socket closes.
        this.#o.log.info(`(${instance}) releasing listener ${e.l.name}: instance left MASTER (${to})`);
        e.release = this.#o.clock.setTimeout(() => {
          this.#release(e);
        }, RELEASE_WAIT_MS);
      }
    }
  }

  #release(e: Entry): void {
    if (e.release !== undefined) this.#o.clock.clearTimeout(e.release);
    e.release = undefined;
    if (e.wanted || !e.l.listening()) return;
    e.l.release();
    this.#o.log.info(`released listener ${e.l.name}`);
  }

  #bind(e: Entry): void {
    if (e.binding || e.l.listening() || !e.wanted) return;
    if (e.retry !== undefined) this.#o.clock.clearTimeout(e.retry);
    e.retry = undefined;
    e.binding = true;
    e.l.bind().then(
      () => {
        e.binding = false;
        if (this.#entries.get(e.l.name) !== e) return;
        if (!e.wanted) {
          e.l.release();
          return;
        }
        const was = e.failure;
        e.failure = undefined;
        const why = e.mode.kind === 'follow' ? ` as MASTER of ${this.#followed(e)}` : '';
        this.#o.log.info(`listening on ${e.l.name}${why}${was === undefined ? '' : ' again'}`);
        this.#publish();
      },
      (err: unknown) => {
        e.binding = false;
        if (this.#entries.get(e.l.name) !== e || !e.wanted) return;
        const code = errorCode(err);
        const waiting = this.#o.clock.now() - e.wantedAt < (this.#o.vipWaitMs ?? VIP_WAIT_MS);
        if (code === 'EADDRNOTAVAIL' && waiting) {
          // The VIP is still being added (vrrp.vips_added binds at once; this covers a VIP already
          // present and left alone as foreign, or an event that never comes).
          e.retry = this.#o.clock.setTimeout(() => {
            e.retry = undefined;
            this.#bind(e);
          }, VIP_POLL_MS);
          return;
        }
        const text = bindErrorText(e.l.host, e.l.port, err);
        if (e.failure?.text !== text) this.#o.log.error(`listener ${e.l.name}: ${text}`);
        e.failure = { code, text, at: this.#o.clock.now() };
        this.#publish();
      },
    );
  }

  #followed(e: Entry): string {
    return e.mode.kind === 'follow' ? e.mode.instances.filter((i) => this.#masters.has(i)).join(', ') : '-';
  }

  /** The periodic check: retry failed binds, clear failures whose cause is gone, notice dead sockets. */
  #check(): void {
    const held = this.#o.portHeld ?? procPortHeld;
    const fdProblem = (this.#o.fdProblem ?? fdHeadroomProblem)();
    for (const e of this.#entries.values()) {
      if (e.wanted && !e.binding && !e.l.listening()) {
        if (e.mode.kind === 'follow') this.#bind(e);
        else if (e.failure === undefined) {
          e.failure = { code: 'ENOTLISTENING', text: 'not listening', at: this.#o.clock.now() };
          this.#o.log.error(`listener ${e.l.name} is not listening`);
        }
      } else if (!e.wanted && e.failure !== undefined) {
        const gone =
          e.failure.code === 'EADDRINUSE'
            ? !held(e.l.host, e.l.port)
            : this.#o.clock.now() - e.failure.at >= this.#o.intervalMs;
        if (gone) {
          this.#o.log.info(`listener ${e.l.name}: ${e.failure.text} no longer applies; ready to serve`);
          e.failure = undefined;
        }
      } else if (e.wanted && e.failure?.code === 'ENOTLISTENING' && e.l.listening()) e.failure = undefined;
      this.#checkAccept(e, fdProblem);
    }
    this.#publish();
  }

  /**
   * A bound listener whose accept() failed since the last check, or while the process has no
   * descriptor to spare, is failing until a check finds neither.
   */
  #checkAccept(e: Entry, fdProblem: string | undefined): void {
    const errors = e.l.acceptErrors?.() ?? { count: 0, last: undefined };
    const fresh = errors.count > e.acceptErrors;
    e.acceptErrors = errors.count;
    if ((fresh || fdProblem !== undefined) && e.wanted && e.l.listening()) {
      const text = fdProblem ?? `accept() failed ${errnoText(errors.last)}`;
      if (e.failure?.text !== text) this.#o.log.error(`listener ${e.l.name}: ${text}`);
      e.failure = { code: 'EACCEPT', text, at: this.#o.clock.now() };
    } else if (e.failure?.code === 'EACCEPT') {
      this.#o.log.info(`listener ${e.l.name} accepts again`);
      e.failure = undefined;
    }
  }

  /** Recomputes every health signal; each fires only on an edge. */
  #publish(): void {
    const failures: ListenerFailure[] = [];
    for (const e of this.#entries.values())
      if (e.failure !== undefined) failures.push({ name: e.l.name, text: e.failure.text, serves: e.serves });
    this.#health.update(failures);
  }
}
