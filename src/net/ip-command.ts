import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { TandemError } from '../core/errors.js';
import { IpBatchSession } from './ip-batch-session.js';

/** Where `ip` runs: the current namespace by default, or a named one (`ip -n NS`, for tests and multi-namespace hosts). */
export interface IpCommandOptions {
  /** A named network namespace (`/run/netns/NAME`); undefined means the daemon's own namespace. */
  readonly netns?: string;
  /** The `ip` executable; `ip` on PATH by default. */
  readonly ipPath?: string;
  /**
   * Keep one `ip -batch -` process running for {@link IpCommand.batch} (the VRRP I/O: a VIP is added
   * at a takeover without a fork); the owner calls {@link IpCommand.close}. Off: a process per batch.
   */
  readonly persistent?: boolean;
  /** With {@link persistent}: an `ip -batch` file the session runs when the daemon dies or closes it. */
  readonly releaseFile?: string;
}

/** The outcome of one line of an `ip -batch` run. */
export interface BatchLineResult {
  readonly line: string;
  readonly ok: boolean;
  /** iproute2's error text for a failed line (`RTNETLINK answers: File exists`, `Cannot find device "x"`). */
  readonly error?: string;
}

/**
 * Runs iproute2. Tandem reads kernel state with `ip -json` and changes it with `ip` / `ip -batch`,
 * so every change is exactly what an operator would type (keepalived talks netlink directly; the
 * observable result, addresses and routes in the kernel, is the same).
 */
export class IpCommand {
  readonly netns: string | undefined;
  readonly #ip: string;
  readonly #session: IpBatchSession | undefined;

  constructor(options: IpCommandOptions = {}) {
    this.netns = options.netns;
    this.#ip = options.ipPath ?? 'ip';
    if (options.persistent === true)
      this.#session = new IpBatchSession(this.#ip, this.argv([]), options.releaseFile);
  }

  /** Starts the persistent `ip -batch` process ahead of the first batch (a no-op without one). */
  warm(): void {
    this.#session?.warm();
  }

  /** Ends the persistent `ip -batch` process, if any. */
  async close(): Promise<void> {
    await this.#session?.close();
  }

  /** The argument vector for `ip`, with `-n NS` when a namespace was given. */
  argv(args: readonly string[]): string[] {
    return this.netns === undefined ? [...args] : ['-n', this.netns, ...args];
  }

  /** Runs `ip ARGS` and resolves with stdout; rejects with a TANDEM_ERR_NET_COMMAND naming the command and iproute2's error. */
  run(args: readonly string[]): Promise<string> {
    const argv = this.argv(args);
    return new Promise((resolve, reject) => {
      execFile(this.#ip, argv, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err === null) resolve(stdout);
        else {
          const why = stderr.trim() || err.message;
          reject(new TandemError('TANDEM_ERR_NET_COMMAND', `ip ${args.join(' ')}: ${why}`, { cause: err }));
        }
      });
    });
  }

  /** Runs `ip -json ARGS` and parses the output (iproute2 prints nothing at all for an empty list). */
  async json<T>(args: readonly string[]): Promise<T[]> {
    const out = await this.run(['-json', ...args]);
    if (out.trim() === '') return [];
    return JSON.parse(out) as T[];
  }

  /**
   * Runs several commands in one `ip -batch - -force` process (one fork instead of one per address;
   * none with {@link IpCommandOptions.persistent}), and reports each line's outcome from iproute2's
   * `Command failed -:N` markers.
   */
  batch(lines: readonly string[]): Promise<BatchLineResult[]> {
    if (lines.length === 0) return Promise.resolve([]);
    if (this.#session !== undefined) return this.#session.run(lines);
    return new Promise((resolve, reject) => {
      const child = spawn(this.#ip, this.argv(['-batch', '-', '-force']), {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      let stderr = '';
      // No pipes when the spawn itself failed (EMFILE): then only 'error' arrives.
      (child.stderr as Readable | null)?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', (err) => {
        reject(new TandemError('TANDEM_ERR_NET_COMMAND', `ip -batch: ${err.message}`, { cause: err }));
      });
      child.on('close', () => {
        resolve(parseBatchErrors(lines, stderr));
      });
      (child.stdin as Writable | null)?.end(lines.join('\n') + '\n');
    });
  }

  /** Starts a long-running `ip` (e.g. `monitor`); the caller owns the child. */
  spawn(args: readonly string[]): ChildProcess {
    return spawn(this.#ip, this.argv(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

/** Maps `ip -batch` stderr (each error's text followed by `Command failed -:N`) back to the lines. */
export function parseBatchErrors(lines: readonly string[], stderr: string): BatchLineResult[] {
  const errors = new Map<number, string>();
  let pending: string[] = [];
  for (const text of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)/.exec(text);
    if (m !== null) {
      errors.set(Number(m[1]), pending.join(' ').trim());
      pending = [];
    } else if (text.trim() !== '') pending.push(text.trim());
  }
  return lines.map((line, i) => {
    const error = errors.get(i + 1);
    return error === undefined ? { line, ok: true } : { line, ok: false, error };
  });
}
