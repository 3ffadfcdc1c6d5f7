import type { ScriptUserName } from '../../src/index.js';

/**
 * One `vrrp_script NAME { }` block, already validated (keepalived.md §1.2). Times are milliseconds
 * (keepalived 2.2.7 takes whole seconds; later versions decimals).
 */
export interface ScriptTrackerParams {
  /** The block name, used in keepalived's log lines: `VRRP_Script(NAME) succeeded`. */
  readonly name: string;
  /** The command after keepalived's quote-aware re-split: argv[0] is the program. */
  readonly script: readonly string[];
  /** Time between the starts of two runs. keepalived default 1 s. */
  readonly interval: number;
  /** Time a run may take before SIGTERM (SIGKILL 2 s later). 0 or absent = `interval`. */
  readonly timeout?: number;
  /** Consecutive successes needed to go up. Default 1. */
  readonly rise?: number;
  /** Consecutive failures needed to go down. Default 1. */
  readonly fall?: number;
  /**
   * −253..253; 0 (the default) means failure puts tracking instances in FAULT. Not applied here: the
   * signal is the raw result and each tracking instance applies its weight, which defaults to this.
   */
  readonly weight?: number;
  /** `weight N reverse`: the default for tracking instances (negated change; weight 0: FAULT while OK). */
  readonly reverse?: boolean;
  /** `user USER [GROUP]`; absent = the global `script_user`, else `keepalived_script`, else root. */
  readonly user?: ScriptUserName;
  /** `init_fail`: start failed and need `rise` successes (else one success is enough at start). */
  readonly initFail?: boolean;
}

/** The slice of configuration the `tracker.script` plugin runs from. */
export interface ScriptTrackerConfig {
  readonly scripts: readonly ScriptTrackerParams[];
  /**
   * Names of scripts some VRRP instance or sync group tracks (`track_script`). Others are never run
   * (keepalived: `Warning - script NAME is not used`). Absent = all are tracked.
   */
  readonly tracked?: ReadonlySet<string>;
  /** `global_defs { enable_script_security }`. */
  readonly scriptSecurity?: boolean;
  /** `global_defs { script_user USER [GROUP] }`. */
  readonly scriptUser?: ScriptUserName;
  /** Bytes of a run's output kept for the debug log; the rest is drained and dropped. Default 4096. */
  readonly outputCap?: number;
}
