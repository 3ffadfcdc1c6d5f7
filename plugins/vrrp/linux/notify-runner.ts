import type { Logger } from '../../../src/index.js';
import { fifoLine, type NotifyFifo, type NotifyScope } from './notify-fifo.js';
import { ScriptRunner, type ScriptExit } from './script-runner.js';

/** The states a notify reports (keepalived's `notify` third argument and FIFO lines). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED' | 'MASTER_RX_LOWER_PRI';

/** The notify scripts of one instance or sync group, as configured (keepalived quoting kept). */
export interface NotifyScripts {
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
  readonly deleted?: string;
  /** `notify_master_rx_lower_pri`. */
  readonly masterRxLowerPri?: string;
  /** The generic `notify`, which gets four more arguments: scope, name, state, priority. */
  readonly generic?: string;
}

/** Options for {@link NotifyRunner}. */
export interface NotifyRunnerOptions {
  readonly log: Logger;
  /** Scripts per instance (`INSTANCE`) or group (`GROUP`) name. */
  readonly scripts: (scope: NotifyScope, name: string) => NotifyScripts | undefined;
  /** FIFOs that get every line (`notify_fifo`, `vrrp_notify_fifo`). */
  readonly fifos?: readonly NotifyFifo[];
  /** A script still running after this is killed; 10 s by default (Tandem's choice, see docs). */
  readonly timeoutMs?: number;
  /** STOP scripts get 1 s, as keepalived kills them after 1 s at shutdown. */
  readonly stopTimeoutMs?: number;
  /** Share a runner (e.g. with the FIFO reader scripts) so `close` kills those too. */
  readonly scriptRunner?: ScriptRunner;
}

const STATE_KEY: Readonly<Record<NotifyState, keyof NotifyScripts>> = {
  MASTER: 'master',
  BACKUP: 'backup',
  FAULT: 'fault',
  STOP: 'stop',
  DELETED: 'deleted',
  MASTER_RX_LOWER_PRI: 'masterRxLowerPri',
};

/**
 * Runs keepalived's notifications for one state change (keepalived.md §4, `vrrp_notify.c`): first
 * the state's own script with no extra arguments, then the generic `notify` with
 * `INSTANCE|GROUP name STATE priority` appended (groups report priority 0), then the FIFO line.
 * Scripts are started without waiting, like keepalived's forks, so their run order is not
 * guaranteed and a hung script never delays VRRP.
 */
export class NotifyRunner {
  readonly scripts: ScriptRunner;
  readonly #o: NotifyRunnerOptions;
  readonly #pending = new Set<Promise<ScriptExit>>();

  constructor(options: NotifyRunnerOptions) {
    this.#o = options;
    this.scripts = options.scriptRunner ?? new ScriptRunner(options.log);
  }

  /** Fires the notifications for one change; returns the script runs' promises (callers need not wait). */
  notify(scope: NotifyScope, name: string, state: NotifyState, priority: number): Promise<ScriptExit>[] {
    const prio = scope === 'GROUP' ? 0 : priority;
    const conf = this.#o.scripts(scope, name);
    const timeout = state === 'STOP' ? (this.#o.stopTimeoutMs ?? 1000) : (this.#o.timeoutMs ?? 10_000);
    const runs: Promise<ScriptExit>[] = [];
    const own = conf?.[STATE_KEY[state]];
    if (own !== undefined) runs.push(this.scripts.run(own, [], timeout));
    if (conf?.generic !== undefined)
      runs.push(this.scripts.run(conf.generic, [scope, name, state, String(prio)], timeout));
    for (const r of runs) {
      this.#pending.add(r);
      void r.then(() => this.#pending.delete(r));
    }
    const line = fifoLine(scope, name, state, prio);
    for (const f of this.#o.fifos ?? []) f.write(line);
    return runs;
  }

  /**
   * On daemon stop: gives notify scripts still running (the STOP ones just fired) up to `graceMs` to
   * finish, as keepalived gives STOP scripts 1 s, then kills what is left (FIFO readers included)
   * and closes the FIFOs.
   */
  async close(graceMs = this.#o.stopTimeoutMs ?? 1000): Promise<void> {
    if (this.#pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
      await Promise.race([Promise.all([...this.#pending]), grace]);
      clearTimeout(timer);
    }
    this.scripts.killAll();
    for (const f of this.#o.fifos ?? []) f.close();
  }
}
