/**
 * A small driver around the pure reducer: holds the state, stamps inputs with `clock.now()`, runs the timer
 * effects on a {@link Clock}, and hands every other effect to a sink (the Linux effect runner, or the
 * simulated LAN). The same class runs on SystemClock in the daemon and on VirtualClock in tests.
 */
import type { Clock, TimerHandle, TrackerState } from '../../src/index.js';
import type { ReceivedVrrpPacket } from './codec/packet.js';
import type { VrrpParams } from './params.js';
import { createVrrpState, step } from './state-machine.js';
import type { VrrpEffect, VrrpInput, VrrpState, VrrpTimerName } from './types.js';

/** Distributive Omit, so each input variant keeps its own fields. */
type WithoutNow<T> = T extends unknown ? Omit<T, 'now'> : never;

/** Receives the effects of each step, in order (timer effects included, already applied). */
export type VrrpEffectSink = (effect: VrrpEffect) => void;

/** Options of {@link VrrpMachine}. */
export interface VrrpMachineOptions {
  /**
   * Runs a fired timer's work later in the same event-loop turn, after pending I/O (the daemon passes
   * `setImmediate`). Without it timers fire synchronously (VirtualClock tests).
   */
  readonly deferTimer?: (fire: () => void) => void;
}

/** Runs the VRRP reducer on a clock. */
export class VrrpMachine {
  #state: VrrpState;
  readonly #timers = new Map<string, TimerHandle>();
  #stopped = false;
  readonly #deferTimer: ((fire: () => void) => void) | undefined;

  constructor(
    params: VrrpParams,
    private readonly clock: Clock,
    private readonly sink: VrrpEffectSink,
    options: VrrpMachineOptions = {},
  ) {
    this.#state = createVrrpState(params);
    this.#deferTimer = options.deferTimer;
  }

  /** The current state (read-only snapshot). */
  get state(): VrrpState {
    return this.#state;
  }

  /** Applies one input now. */
  dispatch(input: WithoutNow<VrrpInput>): void {
    if (this.#stopped) return;
    const { state, effects } = step(this.#state, { ...input, now: this.clock.now() });
    this.#state = state;
    for (const e of effects) {
      if (e.type === 'set-timer') this.#arm(e.instance, e.timer, e.at);
      else if (e.type === 'cancel-timer') this.#disarm(`${e.instance}\0${e.timer}`);
      this.sink(e);
    }
  }

  /** Starts every instance, with the tracker states already known. */
  start(trackers?: Readonly<Record<string, TrackerState>>): void {
    this.dispatch(trackers === undefined ? { type: 'start' } : { type: 'start', trackers });
  }

  /** Hands a received packet to the core. */
  receive(packet: ReceivedVrrpPacket): void {
    this.dispatch({ type: 'packet', packet });
  }

  /** Reports a tracker's new state. */
  tracker(name: string, state: TrackerState): void {
    this.dispatch({ type: 'tracker', name, state });
  }

  /** Reports the link state of an interface. */
  interfaceChanged(iface: string, up: boolean): void {
    this.dispatch({ type: 'interface', interface: iface, up });
  }

  /** Applies a reloaded configuration in place (see `reconfigureState`). */
  reconfigure(params: VrrpParams, trackers: Readonly<Record<string, TrackerState>>): void {
    this.dispatch({ type: 'reconfigure', params, trackers });
  }

  /** Masters send priority 0 and keep their VIPs until {@link shutdown} (a graceful handover). */
  resign(): void {
    this.dispatch({ type: 'resign' });
  }

  /** Graceful stop (priority 0, VIPs removed, notify STOP), then no further input is taken. */
  shutdown(): void {
    this.dispatch({ type: 'shutdown' });
    this.kill();
  }

  /** Stops dead, like `kill -9`: timers cancelled, nothing sent, VIPs left where they are. */
  kill(): void {
    this.#stopped = true;
    for (const h of this.#timers.values()) this.clock.clearTimeout(h);
    this.#timers.clear();
  }

  #arm(instance: string, timer: VrrpTimerName, at: number, whole = false): void {
    const key = `${instance}\0${timer}`;
    this.#disarm(key);
    const fire = (): void => {
      if (this.#timers.get(key) !== h) return; // re-armed or cancelled while deferred
      // Node's timers count whole milliseconds of a clock cached per loop turn, so a timer can run up
      // to 1 ms before `at` by the monotonic clock; the core would ignore it as stale and nothing
      // would re-arm it (a master stopped advertising, a backup never timed out). Wait the rest.
      if (at > this.clock.now()) {
        this.#arm(instance, timer, at, true);
        return;
      }
      this.#timers.delete(key);
      this.dispatch({ type: 'timer', instance, timer });
    };
    // After a stall (GC, a busy loop, the process descheduled) Node runs expired timers *before* it
    // reads the sockets, so a backup would declare a master dead whose adverts sit unread in the
    // socket buffer. keepalived reads first: its Master_Down timer is the read timeout of the socket's
    // read thread, taken only when nothing is readable (vrrp_scheduler.c vrrp_read_dispatcher_thread).
    // Deferring past the poll phase gives the same order; a re-armed timer is then not fired.
    const h: TimerHandle = this.clock.setTimeout(
      () => {
        if (this.#deferTimer === undefined) fire();
        else this.#deferTimer(fire);
      },
      // A re-arm waits whole milliseconds, as Node would anyway (a delay below 1 ms is 1 ms).
      whole ? Math.ceil(at - this.clock.now()) : Math.max(0, at - this.clock.now()),
    );
    this.#timers.set(key, h);
  }

  #disarm(key: string): void {
    const h = this.#timers.get(key);
    if (h === undefined) return;
    this.clock.clearTimeout(h);
    this.#timers.delete(key);
  }
}
