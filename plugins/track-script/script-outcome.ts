import type { Logger, ProcessGroupExit } from '../../src/index.js';

/** One run judged as keepalived judges it (`vrrp_script_child_thread`). */
export interface RunOutcome {
  readonly success: boolean;
  /** The words after `VRRP_Script(x) `: `succeeded`, `failed (exited with status 1)`, `timed_out`... */
  readonly text: string;
  /** The exit status when the script exited normally (for `Script \`x\` now returning N`). */
  readonly status?: number;
}

/** strerror(3) for the errors spawning can meet. */
const spawnErrors: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOEXEC: 'Exec format error',
  ENOTDIR: 'Not a directory',
};

/** errno numbers on Linux, for keepalived's `error %d` in the exec failure line. */
const errnos: Readonly<Record<string, number>> = { EPERM: 1, ENOENT: 2, ENOEXEC: 8, EACCES: 13, ENOTDIR: 20 };

/**
 * Classifies a finished run. A run we had to terminate is `timed_out` whatever it exited with
 * (keepalived counts it as success if the script traps SIGTERM and exits 0; a timed-out check is a
 * failure here). Via the shell, exit 127/126 are keepalived's `Couldn't find command` /
 * `Couldn't execute command`, which its child turns into exit 0. A program that cannot be started
 * logs keepalived's `Error exec-ing command` line and fails with status 127 (keepalived's child would
 * exit 0, silently passing a broken check).
 */
export function classifyExit(
  exit: ProcessGroupExit,
  terminated: boolean,
  viaShell: boolean,
  /** argv[0], or the whole shell command line when run via the shell. */
  program: string,
  log: Logger,
): RunOutcome {
  if (terminated) return { success: false, text: 'timed_out' };
  if (exit.spawnError !== undefined) {
    const code = exit.spawnError.code;
    log.error(
      `Error exec-ing command '${program}', error ${errnos[code] ?? exit.spawnError.errno}: ${spawnErrors[code] ?? code}`,
    );
    return { success: false, text: 'failed (exited with status 127)', status: 127 };
  }
  if (exit.code !== null) {
    let status = exit.code;
    if (viaShell && (status === 127 || status === 126)) {
      log.error(`${status === 127 ? "Couldn't find" : "Couldn't execute"} command: ${program}`);
      status = 0;
    }
    return status === 0
      ? { success: true, text: 'succeeded', status }
      : { success: false, text: `failed (exited with status ${status})`, status };
  }
  return { success: false, text: `failed (due to signal ${exit.signal ?? 0})` };
}
