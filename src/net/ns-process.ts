import { spawn, type ChildProcess } from 'node:child_process';

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A process started inside a network namespace (`ip netns exec NS cmd ...`). `ip netns exec` enters
 * the namespace and then execs the command in place, so {@link pid} is the command's own pid.
 */
export class NsProcess {
  readonly pid: number;
  readonly namespace: string;
  readonly command: string;
  readonly exited: Promise<ProcessExit>;
  #stdout = '';
  #stderr = '';
  #exit: ProcessExit | undefined;
  readonly #child: ChildProcess;
  readonly #waiters = new Set<() => void>();

  constructor(namespace: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
    this.namespace = namespace;
    this.command = [command, ...args].join(' ');
    this.#child = spawn('ip', ['netns', 'exec', namespace, command, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: env ?? process.env,
    });
    if (this.#child.pid === undefined) throw new Error(`could not start ${this.command} in ${namespace}`);
    this.pid = this.#child.pid;
    this.#child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      this.#stdout += s;
      this.#wake();
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.#stderr += s;
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        this.#wake();
        resolve(this.#exit);
      });
      this.#child.on('error', (err) => {
        this.#stderr += String(err);
        this.#exit = { code: -1, signal: null };
        this.#wake();
        resolve(this.#exit);
      });
    });
  }

  /** Everything the process wrote to stdout so far. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything the process wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** The exit, once the process has ended. */
  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  /** Writes to the process's stdin (ignored once it exited). */
  write(text: string): void {
    if (this.#exit === undefined) this.#child.stdin?.write(text);
  }

  /** Sends a signal; a process that already exited is ignored. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.#exit !== undefined) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Resolves once stdout or stderr matches `pattern` (`count` times in all, e.g. the second
   * `Entering MASTER STATE`); rejects after `timeoutMs` or when the process exits first.
   */
  waitForOutput(pattern: RegExp, timeoutMs = 5000, count = 1): Promise<string> {
    const every = new RegExp(
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    );
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m =
          count <= 1
            ? (pattern.exec(this.#stdout) ?? pattern.exec(this.#stderr))
            : [...this.#stdout.matchAll(every), ...this.#stderr.matchAll(every)][count - 1];
        if (m !== null && m !== undefined) {
          done();
          resolve(m[0]);
          return true;
        }
        if (this.#exit !== undefined) {
          done();
          reject(new Error(`${this.command} exited before printing ${String(pattern)}:\n${this.#stderr}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${this.command}: no ${String(pattern)} x${count} within ${timeoutMs} ms:\n${this.#stderr}`,
          ),
        );
      }, timeoutMs);
      const waiter = (): void => {
        check();
      };
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      if (!check()) this.#waiters.add(waiter);
    });
  }

  /** Stops the process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 1000): Promise<ProcessExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.kill('SIGKILL');
    }, graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
