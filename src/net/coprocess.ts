import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** Options for {@link Coprocess}. */
export interface CoprocessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment variables (on top of the daemon's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Each complete line the process writes, by stream, without the newline. */
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** The process is gone (exited, killed, or never started): `why` says how. The next write starts a new one. */
  readonly onExit: (why: string) => void;
}

/**
 * A long-lived helper process fed lines on stdin (`ip -batch -`, the GARP launcher), started on
 * the first write and again after it dies. Forking a Node process costs milliseconds (its page
 * tables are large); writing a line to a process that is already running costs microseconds, and a
 * VRRP takeover is measured in those (keepalived adds the VIP and sends its GARPs within 2 ms).
 * The process holds the event loop open only while {@link hold} says work is pending, so an idle
 * coprocess never keeps a daemon or a test from exiting; {@link close} ends it. It runs in its own
 * process group: a terminal's Ctrl-C reaches the daemon (which stops gracefully) and not its helpers,
 * and {@link kill} takes whatever the helper started with it.
 */
export class Coprocess {
  readonly #o: CoprocessOptions;
  #child: ChildProcess | undefined;
  #held = 0;
  readonly #partial = { stdout: '', stderr: '' };

  constructor(options: CoprocessOptions) {
    this.#o = options;
  }

  /** The running process's pid, if one is running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process now, if none is running, so the first real write finds it ready. */
  warm(): void {
    this.#child ??= this.#start();
  }

  /** Writes `text` (whole lines) to the process's stdin, starting it if none is running. */
  write(text: string): void {
    const child = this.#child ?? this.#start();
    child.stdin?.write(text);
  }

  /** Marks work pending (the loop stays alive until the matching {@link release}). */
  hold(): void {
    if (this.#held++ === 0) this.#setRef(true);
  }

  /** See {@link hold}. */
  release(): void {
    if (this.#held > 0 && --this.#held === 0) this.#setRef(false);
  }

  /** Kills the running process at once (it is stuck); the next write starts a new one. */
  kill(): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /**
   * Ends the process (stdin closed, SIGKILL if it has not exited within 1 s); resolves when it has
   * exited (children it started may still hold its pipes for a moment: they are not waited for).
   */
  close(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => this.kill(), 1000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.stdin?.end();
    });
  }

  #start(): ChildProcess {
    const child = spawn(this.#o.command, [...this.#o.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      ...(this.#o.env === undefined ? {} : { env: { ...process.env, ...this.#o.env } }),
    });
    this.#child = child;
    this.#partial.stdout = '';
    this.#partial.stderr = '';
    for (const stream of ['stdout', 'stderr'] as const) {
      // No pipes when the spawn itself failed (EMFILE): then only 'error' arrives.
      (child[stream] as Readable | null)
        ?.setEncoding('utf8')
        .on('data', (s: string) => this.#data(stream, s));
    }
    // A write after the process died is reported by 'close'; the pipe's own EPIPE is not news.
    (child.stdin as Writable | null)?.on('error', () => undefined);
    let gone = false;
    const exited = (why: string): void => {
      if (gone) return;
      gone = true;
      if (this.#child === child) this.#child = undefined;
      this.#o.onExit(why);
    };
    child.on('error', (err) => exited(err.message));
    child.on('close', (code, signal) => exited(signal === null ? `exited ${code}` : `killed by ${signal}`));
    this.#setRef(this.#held > 0);
    return child;
  }

  #data(stream: 'stdout' | 'stderr', s: string): void {
    const text = this.#partial[stream] + s;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.#o.onLine(stream, text.slice(start, nl));
      start = nl + 1;
    }
    this.#partial[stream] = text.slice(start);
  }

  #setRef(on: boolean): void {
    const child = this.#child;
    if (child === undefined) return;
    const handles = [child.stdin, child.stdout, child.stderr] as (Socket | null)[];
    if (on) {
      child.ref();
      for (const h of handles) h?.ref();
    } else {
      child.unref();
      for (const h of handles) h?.unref();
    }
  }
}
