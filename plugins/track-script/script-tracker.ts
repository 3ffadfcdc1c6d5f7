import {
  WritableSignal,
  sameTrackerState,
  spawnProcessGroup,
  healthTrackerState,
  type Clock,
  type Logger,
  type ProcessGroup,
  type ProcessGroupExit,
  type ScriptIdentity,
  type TimerHandle,
  type TrackerState,
} from '../../src/index.js';
import type { ScriptTrackerParams } from './params.js';
import { ScriptCounter } from '../../src/index.js';
import { classifyExit, type RunOutcome } from './script-outcome.js';

/** What a {@link ScriptTracker} needs besides its params. */
export interface ScriptTrackerDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** The uid:gid the script runs as (already resolved). */
  readonly identity: ScriptIdentity;
  /** argv after the security check resolved argv[0]. */
  readonly argv: readonly string[];
  /** Run through `/bin/sh -c` (keepalived's `system()` path for `</file` tests). */
  readonly viaShell?: boolean;
  readonly outputCap?: number;
}

/** keepalived's script states (`SCRIPT_STATE_*`): why a tick may find a run still in progress. */
type RunState = 'idle' | 'running' | 'requesting_termination' | 'forcing_termination';

/** keepalived waits 2 s between SIGTERM and SIGKILL, then 10 s between further SIGKILLs. */
const TERM_GRACE_MS = 2000;
const KILL_RETRY_MS = 10_000;

/**
 * Runs one vrrp_script every `interval` on the injected clock and publishes its state as an
 * edge-triggered signal of its raw health (`healthTrackerState`). Never two runs at once: a
 * tick that finds the previous run alive logs keepalived's `Track script x is already running,
 * expect idle - skipping run`. A run past its timeout gets SIGTERM to its whole process group, then
 * SIGKILL 2 s later, and counts as `timed_out`.
 */
export class ScriptTracker {
  readonly signal: WritableSignal<TrackerState>;
  readonly #p: ScriptTrackerParams;
  readonly #d: ScriptTrackerDeps;
  readonly #counter: ScriptCounter;
  #state: RunState = 'idle';
  #tick: TimerHandle | undefined;
  #killTimer: TimerHandle | undefined;
  #child: ProcessGroup | undefined;
  #lastStatus = 0;
  #stopped = true;
  #runs = 0;
  /** The last run's outcome, for status output and tests. */
  lastOutcome: RunOutcome | undefined;

  /**
   * `previous`: the tracker this one replaces on a reload. Its counter, last exit status and signal
   * object carry over (keepalived `clear_diff_script`), so subscribers keep listening to one signal.
   */
  constructor(params: ScriptTrackerParams, deps: ScriptTrackerDeps, previous?: ScriptTracker) {
    this.#p = params;
    this.#d = deps;
    const rise = params.rise ?? 1;
    const fall = params.fall ?? 1;
    const initFail = params.initFail ?? false;
    if (previous === undefined) {
      this.#counter = new ScriptCounter(rise, fall, initFail);
      this.signal = new WritableSignal(this.#state0(), leavesInitOrChanges);
      return;
    }
    const { counter, carried } = ScriptCounter.reloaded(previous.#counter, rise, fall, initFail);
    this.#counter = counter;
    this.#lastStatus = previous.#lastStatus;
    this.signal = previous.signal;
    if (carried === undefined) {
      this.signal.set(this.#state0());
      return;
    }
    deps.log.info(
      `VRRP_Script(${params.name}) considered ${carried === 'ok' ? 'successful' : 'unsuccessful'} on reload`,
    );
    this.signal.set(healthTrackerState(carried === 'ok', previous.signal.get().reason));
  }

  #state0(): TrackerState {
    return healthTrackerState(false, this.#p.initFail === true ? 'init_fail' : 'init');
  }

  /** keepalived: `vrrp script interval must be greater than 0, setting to 1` (second). */
  get #interval(): number {
    return this.#p.interval > 0 ? this.#p.interval : 1000;
  }

  /** How many runs have completed. */
  get runs(): number {
    return this.#runs;
  }

  /** Starts running at once, then every interval (keepalived's `vrrp_init_script` event). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#tick = this.#d.clock.setTimeout(() => {
      this.#onTick();
    }, 0);
  }

  #onTick(): void {
    // The next tick is registered before this run, so the cadence ignores how long runs take.
    this.#tick = this.#d.clock.setTimeout(() => {
      this.#onTick();
    }, this.#interval);
    if (this.#state !== 'idle') {
      this.#d.log.info(
        `Track script ${this.#p.name} is ${this.#state === 'running' ? 'already running' : 'being timed out'}, expect idle - skipping run`,
      );
      return;
    }
    this.#run();
  }

  #run(): void {
    const argv = this.#d.viaShell === true ? ['/bin/sh', '-c', shellCommand(this.#d.argv)] : this.#d.argv;
    const { uid, gid } = this.#d.identity;
    // Root always switches (and so drops supplementary groups, as keepalived's setgroups(1, &gid));
    // an unprivileged daemon can only run scripts as itself, which needs no switch.
    const self = process.getuid?.() ?? 0;
    const switchUser = self === 0 || uid !== self || gid !== (process.getgid?.() ?? 0);
    const child = spawnProcessGroup({
      argv,
      ...(switchUser ? { uid, gid } : {}),
      ...(this.#d.outputCap === undefined ? {} : { outputCap: this.#d.outputCap }),
    });
    this.#child = child;
    this.#state = 'running';
    const timeout = this.#p.timeout !== undefined && this.#p.timeout > 0 ? this.#p.timeout : this.#interval;
    this.#killTimer = this.#d.clock.setTimeout(() => {
      this.#escalate(child);
    }, timeout);
    void child.exited.then((exit) => {
      this.#onExit(child, exit);
    });
  }

  /** keepalived's THREAD_CHILD_TIMEOUT branch: TERM, then KILL after 2 s, then KILL every 10 s. */
  #escalate(child: ProcessGroup): void {
    if (this.#child !== child || child.hasExited) return;
    let next = TERM_GRACE_MS;
    let sig: NodeJS.Signals = 'SIGKILL';
    if (this.#state === 'running') {
      this.#state = 'requesting_termination';
      sig = 'SIGTERM';
    } else if (this.#state === 'requesting_termination') {
      this.#state = 'forcing_termination';
    } else {
      this.#d.log.info(`Script ${this.#p.name} child (PID ${child.pid ?? 0}) failed to terminate after kill`);
      next = KILL_RETRY_MS;
    }
    if (!child.killGroup(sig)) {
      this.#d.log.info(`Script ${this.#p.name} child (PID ${child.pid ?? 0}) lost`);
    }
    this.#killTimer = this.#d.clock.setTimeout(() => {
      this.#escalate(child);
    }, next);
  }

  #onExit(child: ProcessGroup, exit: ProcessGroupExit): void {
    if (this.#child !== child) return;
    if (this.#killTimer !== undefined) this.#d.clock.clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
    const terminating = this.#state === 'requesting_termination' || this.#state === 'forcing_termination';
    // Whatever the script forked dies with it once we had to time it out (keepalived `kill(-pid, SIGKILL)`).
    if (terminating) child.killGroup('SIGKILL');
    this.#child = undefined;
    this.#state = 'idle';
    if (this.#stopped) return;
    this.#runs++;
    const viaShell = this.#d.viaShell === true;
    const command = viaShell ? shellCommand(this.#d.argv) : (this.#d.argv[0] ?? '');
    const outcome = classifyExit(exit, terminating, viaShell, command, this.#d.log);
    this.lastOutcome = outcome;
    if (outcome.status !== undefined && outcome.status !== this.#lastStatus) {
      this.#d.log.info(`Script \`${this.#p.name}\` now returning ${outcome.status}`);
    }
    if (outcome.status !== undefined) this.#lastStatus = outcome.status;
    if (!outcome.success && exit.outputBytes > 0) {
      this.#d.log.debug(`VRRP_Script(${this.#p.name}) output: ${exit.output.trimEnd()}`, {
        script: this.#p.name,
        outputBytes: exit.outputBytes,
      });
    }
    const edge = this.#counter.record(outcome.success);
    if (edge === undefined) return;
    const line = `VRRP_Script(${this.#p.name}) ${outcome.text}`;
    this.#d.log.info(line);
    this.signal.set(healthTrackerState(edge === 'up', outcome.text));
  }

  /** Stops the timers and terminates a run in progress (its whole group), waiting for it to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#tick !== undefined) this.#d.clock.clearTimeout(this.#tick);
    if (this.#killTimer !== undefined) this.#d.clock.clearTimeout(this.#killTimer);
    this.#tick = undefined;
    this.#killTimer = undefined;
    const child = this.#child;
    if (child === undefined || child.hasExited) return;
    child.killGroup('SIGTERM');
    const killer = setTimeout(() => child.killGroup('SIGKILL'), TERM_GRACE_MS);
    await child.exited;
    clearTimeout(killer);
    child.killGroup('SIGKILL');
  }
}

/** An edge is a change of up/weight, or the first result leaving `init` (keepalived leaves INIT then). */
function leavesInitOrChanges(a: TrackerState, b: TrackerState): boolean {
  return sameTrackerState(a, b) && (a.reason === 'init') === (b.reason === 'init');
}

/** keepalived's `cmd_str`: every word in single quotes, except a leading `<`/`>` redirection. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((w, i) => (i === 0 && (w.startsWith('<') || w.startsWith('>')) ? w : `'${w}'`)).join(' ');
}
