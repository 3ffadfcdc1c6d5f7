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

/** Runs the VRRP reducer on a clock. */
export class VrrpMachine {
  #state: VrrpState;
  readonly #timers = new Map<string, TimerHandle>();
  #stopped = false;

  constructor(
    params: VrrpParams,
    private readonly clock: Clock,
    private readonly sink: VrrpEffectSink,
  ) {
    this.#state = createVrrpState(params);
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

  #arm(instance: string, timer: VrrpTimerName, at: number): void {
    const key = `${instance}\0${timer}`;
    this.#disarm(key);
    // Node truncates a fractional delay and its millisecond loop clock can fire a timer up to ~1 ms
    // before `performance.now()` reaches `at`; the core ignores a timer that is not yet due, so an
    // early one is re-armed for the remainder instead of being lost (a lost Master_Down = no takeover).
    const fire = () => {
      const left = at - this.clock.now();
      if (left > 0) {
        this.#timers.set(key, this.clock.setTimeout(fire, Math.max(1, Math.ceil(left))));
        return;
      }
      this.#timers.delete(key);
      this.dispatch({ type: 'timer', instance, timer });
    };
    this.#timers.set(key, this.clock.setTimeout(fire, Math.max(0, at - this.clock.now())));
  }

  #disarm(key: string): void {
    const h = this.#timers.get(key);
    if (h === undefined) return;
    this.clock.clearTimeout(h);
    this.#timers.delete(key);
  }
}
