import { spawn } from 'node:child_process';
import type { Logger } from '../../../src/index.js';
import { splitCommandLine } from './command-line.js';

/** How one script run ended. */
export interface ScriptExit {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/**
 * Runs notify scripts without ever blocking VRRP: each is spawned detached in its own process group
 * (so a hung script's children die with it), nothing waits for it on the VRRP path, and one still
 * running after its timeout gets SIGTERM, then SIGKILL 1 s later, and a log line.
 */
export class ScriptRunner {
  readonly #log: Logger;
  readonly #running = new Set<number>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Pids of scripts still running. */
  get running(): readonly number[] {
    return [...this.#running];
  }

  /**
   * Starts `line` (keepalived quoting) with `extraArgs` appended; returns at once. The promise
   * resolves when the script is over, for callers (stop, tests) that want to wait.
   */
  run(line: string, extraArgs: readonly string[], timeoutMs: number): Promise<ScriptExit> {
    const [cmd, ...args] = splitCommandLine(line);
    const command = [line, ...extraArgs].join(' ');
    if (cmd === undefined) return Promise.resolve({ command, code: null, signal: null, timedOut: false });
    return new Promise((resolve) => {
      const child = spawn(cmd, [...args, ...extraArgs], { detached: true, stdio: 'ignore' });
      const pid = child.pid;
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        this.#log.warn(`Script ${command} timed out after ${timeoutMs} ms - killing it`);
        this.#killGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => {
          this.#killGroup(pid, 'SIGKILL');
        }, 1000);
      }, timeoutMs);
      if (pid !== undefined) this.#running.add(pid);
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        if (pid !== undefined) {
          this.#running.delete(pid);
          // The script is gone; make sure nothing it started lingers in its group after a timeout.
          if (timedOut) this.#killGroup(pid, 'SIGKILL');
        }
        if (killTimer !== undefined) clearTimeout(killTimer);
        if (!timedOut && code !== 0) {
          this.#log.warn(
            `Script ${command} exited with ${signal === null ? `status ${code}` : `signal ${signal}`}`,
          );
        }
        resolve({ command, code, signal, timedOut });
      };
      child.on('error', (err) => {
        this.#log.error(`Cannot run script ${command}: ${err.message}`);
        finish(null, null);
      });
      child.on('close', finish);
      child.unref();
    });
  }

  /** Kills every script still running (their whole process groups): on daemon stop. */
  killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
    for (const pid of this.#running) this.#killGroup(pid, signal);
  }

  #killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
}
