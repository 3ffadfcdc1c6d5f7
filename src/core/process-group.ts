import { ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { constants } from 'node:os';
import { messageOf } from './errors.js';

/** How to start an external program in its own process group (check and notify scripts). */
export interface ProcessGroupOptions {
  /** argv[0] is the program path; no shell is involved. */
  readonly argv: readonly string[];
  /** Run as this uid/gid (supplementary groups are cleared, as keepalived's `setgroups(1, &gid)`). */
  readonly uid?: number;
  readonly gid?: number;
  /** Working directory; `/` by default, like a daemonised keepalived. */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Bytes of stdout+stderr kept for the log; the rest is read and dropped. Default 4096. */
  readonly outputCap?: number;
}

/** How a process-group leader ended. */
export interface ProcessGroupExit {
  /** Exit status when it exited normally, else null. */
  readonly code: number | null;
  /** The signal number that killed it, else null. */
  readonly signal: number | null;
  /** The first `outputCap` bytes of its combined output. */
  readonly output: string;
  /** Total bytes it wrote (kept or dropped), so a flood is visible in logs. */
  readonly outputBytes: number;
  /** Set when the program could not be started at all (ENOENT, EACCES, EPERM...). */
  readonly spawnError?: { readonly code: string; readonly errno: number; readonly message: string };
}

/**
 * `spawn`, except that arguments it rejects synchronously (an empty program name) become the same
 * asynchronous 'error' a missing program gives, so callers have one failure path.
 */
function startChild(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  try {
    if (file === '') throw Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT', errno: -2 });
    return spawn(file, args, options);
  } catch (err) {
    const child = new ChildProcess();
    queueMicrotask(() => child.emit('error', err));
    return child;
  }
}

/** How long to wait for the pipes to close after the leader exits before reporting anyway. */
const PIPE_GRACE_MS = 100;

/**
 * A program started as the leader of a new session and process group, so that `kill` reaches every
 * child it forked (keepalived's `setpgid(0, 0)` + `kill(-pid, sig)` in `system_call_script`). Output
 * is drained continuously and capped, so a chatty script can neither block on a full pipe nor make
 * the daemon buffer megabytes; nothing here blocks the event loop.
 */
export class ProcessGroup {
  readonly #child: ChildProcess;
  readonly #cap: number;
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #total = 0;
  #exited = false;
  /** Resolves once when the leader has exited (or failed to start). */
  readonly exited: Promise<ProcessGroupExit>;

  constructor(options: ProcessGroupOptions) {
    this.#cap = options.outputCap ?? 4096;
    const [file, ...args] = options.argv;
    this.#child = startChild(file ?? '', args, {
      cwd: options.cwd ?? '/',
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    const drain = (chunk: Buffer): void => {
      this.#total += chunk.length;
      if (this.#keptBytes < this.#cap) {
        const part = chunk.subarray(0, this.#cap - this.#keptBytes);
        this.#kept.push(part);
        this.#keptBytes += part.length;
      }
    };
    this.#child.stdout?.on('data', drain);
    this.#child.stderr?.on('data', drain);
    this.exited = new Promise((resolve) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const finish = (
        code: number | null,
        signal: number | null,
        spawnError?: ProcessGroupExit['spawnError'],
      ): void => {
        if (graceTimer !== undefined) clearTimeout(graceTimer);
        resolve({
          code,
          signal,
          output: Buffer.concat(this.#kept).toString('utf8'),
          outputBytes: this.#total,
          ...(spawnError === undefined ? {} : { spawnError }),
        });
        this.#kept = [];
      };
      this.#child.once('error', (err: NodeJS.ErrnoException) => {
        if (this.#exited) return;
        this.#exited = true;
        finish(null, null, {
          code: err.code ?? 'EUNKNOWN',
          errno: -(err.errno ?? 0),
          message: messageOf(err),
        });
      });
      this.#child.once('exit', (code, signalName) => {
        if (this.#exited) return;
        this.#exited = true;
        const signals: Readonly<Record<string, number | undefined>> = constants.signals;
        const signal = signalName === null ? null : (signals[signalName] ?? null);
        // 'close' waits for the pipes; a forked child still holding them must not delay the result.
        let done = false;
        const report = (): void => {
          if (done) return;
          done = true;
          finish(code, signal);
        };
        this.#child.once('close', report);
        graceTimer = setTimeout(() => {
          report();
          // A background child kept our pipes: stop reading so it cannot pin the daemon's handles.
          this.#child.stdout?.destroy();
          this.#child.stderr?.destroy();
        }, PIPE_GRACE_MS);
      });
    });
  }

  /** The leader's pid (also the process group id), undefined if it never started. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the leader has exited. */
  get hasExited(): boolean {
    return this.#exited;
  }

  /**
   * Sends `signal` to the whole process group. Returns false when the group no longer exists
   * (keepalived's ESRCH "child lost" case) or the signal could not be sent.
   */
  killGroup(signal: NodeJS.Signals): boolean {
    const pid = this.#child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Starts `options.argv` in its own process group; see {@link ProcessGroup}. */
export function spawnProcessGroup(options: ProcessGroupOptions): ProcessGroup {
  return new ProcessGroup(options);
}
