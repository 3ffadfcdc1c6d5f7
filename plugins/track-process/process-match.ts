import type { ParamMatch, ProcessTrackerParams } from './params.js';

/** What a /proc scan learnt about one process. */
export interface ProcEntry {
  readonly pid: number;
  /** The kernel's command name from /proc/PID/stat (at most 15 characters). */
  readonly comm?: string;
  /** Whether /proc/PID/stat says the process is a zombie (state Z). */
  readonly zombie?: boolean;
  /** The raw /proc/PID/cmdline: NUL-terminated arguments. */
  readonly cmdline?: Buffer;
}

/** A compiled `vrrp_track_process` matcher and what it needs the scan to read. */
export interface ProcessMatcher {
  readonly fullCommand: boolean;
  matches(entry: ProcEntry): boolean;
}

/**
 * keepalived's `check_params` (track_process.c): `params` are the configured arguments, each
 * NUL-terminated; `actual` is what follows argv[0]'s NUL in the process's cmdline.
 */
function checkParams(mode: ParamMatch, params: Buffer | undefined, actual: Buffer): boolean {
  if (mode === 'exact' && params === undefined && actual.length === 0) return true;
  const len = params?.length ?? 0;
  if (actual.length < len) return false;
  if (mode === 'exact') return actual.length === len && (params === undefined || actual.equals(params));
  if (params === undefined) return true;
  if (mode === 'partial') return actual.subarray(0, len).equals(params);
  // initial: the last configured argument may be a prefix of the process's argument.
  return len === 1 || actual.subarray(0, len - 1).equals(params.subarray(0, len - 1));
}

/**
 * Builds the matcher for one tracked process as keepalived's parser and `read_procs` define it:
 * arguments imply `param_match exact` and `full_command`; `full_command` compares argv[0] exactly,
 * otherwise `comm` is compared and zombies are ignored.
 */
export function compileMatcher(p: ProcessTrackerParams): ProcessMatcher {
  const [path = '', ...args] = p.process;
  const mode: ParamMatch | undefined = p.paramMatch ?? (args.length > 0 ? 'exact' : undefined);
  const fullCommand = p.fullCommand === true || mode !== undefined;
  const params = args.length > 0 ? Buffer.from(args.map((a) => `${a}\0`).join(''), 'utf8') : undefined;
  return {
    fullCommand,
    matches(entry: ProcEntry): boolean {
      if (!fullCommand) return entry.zombie !== true && entry.comm === path;
      const cmd = entry.cmdline;
      if (cmd === undefined || cmd.length === 0) return false;
      const nul = cmd.indexOf(0);
      const argv0 = cmd.subarray(0, nul < 0 ? cmd.length : nul).toString('utf8');
      if (argv0 !== path) return false;
      if (mode === undefined) return true;
      return checkParams(mode, params, nul < 0 ? Buffer.alloc(0) : cmd.subarray(nul + 1));
    },
  };
}
