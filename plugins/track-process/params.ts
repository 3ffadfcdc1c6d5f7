/** keepalived's `param_match`: how the configured arguments must match the process's. */
export type ParamMatch = 'exact' | 'partial' | 'initial';

/** One `vrrp_track_process NAME { }` block (keepalived.md §1.5), already validated. Times in ms. */
export interface ProcessTrackerParams {
  /** The block name, as instances reference it (`track_process { NAME }`). */
  readonly name: string;
  /**
   * `process CMD [ARGS...]`. Without args (and without `full_command`/`param_match`) CMD is matched
   * against the kernel's 15-character `comm`; otherwise against argv[0] of /proc/PID/cmdline.
   */
  readonly process: readonly string[];
  /** Default `exact` when ARGS are given; any setting implies `full_command`. */
  readonly paramMatch?: ParamMatch;
  /** `full_command`: match argv[0] of the command line instead of `comm`. */
  readonly fullCommand?: boolean;
  /**
   * −254..254, default 0 (losing quorum puts tracking instances in FAULT). Not applied here: the
   * signal is the raw quorum and each tracking instance applies its weight, which defaults to this.
   */
  readonly weight?: number;
  readonly reverse?: boolean;
  /** Minimum number of matching processes, default 1 (0 only with `quorumMax` 0). */
  readonly quorum?: number;
  /** Maximum number of matching processes, default unlimited. */
  readonly quorumMax?: number;
  /** `fork_delay` (or `delay`): how long a gain of quorum caused by new processes waits. */
  readonly forkDelay?: number;
  /** `terminate_delay` (or `delay`): how long a loss of quorum caused by exits waits. */
  readonly terminateDelay?: number;
}

/** The slice of configuration the `tracker.process` plugin runs from. */
export interface ProcessTrackerConfig {
  readonly processes: readonly ProcessTrackerParams[];
  /** Names some instance or sync group tracks (`track_process`); others are never scanned. Absent = all. */
  readonly tracked?: ReadonlySet<string>;
  /**
   * How often /proc is scanned, ms (default 1000). keepalived follows the kernel's process
   * connector instead; a scan sees a change at most this late.
   */
  readonly scanInterval?: number;
  /** The proc filesystem to scan (tests); default `/proc`. */
  readonly procRoot?: string;
}
