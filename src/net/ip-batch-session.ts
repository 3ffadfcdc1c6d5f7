import { TandemError } from '../core/errors.js';
import { Coprocess } from './coprocess.js';
import type { BatchLineResult } from './ip-command.js';

/**
 * A line that always fails, written after each request's commands: iproute2 reports it as
 * `Command failed -:N` on stderr like any failed line, after every earlier line's outcome, so it
 * marks the request done. The name is 16 characters, over IFNAMSIZ - 1, so no interface can have it.
 */
const END_MARK = 'link show dev tandem-batch-end';

/**
 * `ip -batch -` for the session, then, once its input has ended, the release file if it lists
 * anything. Its output goes nowhere: after a crash nobody reads the pipe, and a write would end it.
 */
const RELEASE_SCRIPT = [
  '"$0" "$@" -batch - -force',
  'if [ -s "$TANDEM_RELEASE" ]; then exec "$0" "$@" -force -batch "$TANDEM_RELEASE" >/dev/null 2>&1; fi',
].join('\n');

/** No answer within this long: the `ip` process is stuck (a wedged netlink socket); it is killed. */
const STUCK_MS = 10_000;

interface Request {
  readonly lines: readonly string[];
  readonly resolve: (r: BatchLineResult[]) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One `ip -batch - -force` process kept running and fed commands as they come (iproute2 reads
 * stdin line by line and acts on each at once). A VIP added at a VRRP takeover is then in the
 * kernel ~0.5 ms after the decision, where a fresh `ip` process took 3-15 ms from a Node daemon.
 * Requests run one at a time, in order; each line's outcome comes from iproute2's
 * `Command failed -:N` lines, N counting every line the process has read.
 */
export class IpBatchSession {
  readonly #proc: Coprocess;
  readonly #queue: Request[] = [];
  #current: { req: Request; first: number; errors: Map<number, string>; timer: NodeJS.Timeout } | undefined;
  /** Lines written to the running process (iproute2's line counter). */
  #written = 0;
  #pendingText: string[] = [];

  /**
   * `releaseFile`: an `ip -batch` file that runs when this session's input ends, however it ends:
   * the daemon's graceful close, or its death (kill -9, a crash), which closes the pipe.
   */
  constructor(ip: string, argvPrefix: readonly string[], releaseFile?: string) {
    this.#proc = new Coprocess({
      ...(releaseFile === undefined
        ? { command: ip, args: [...argvPrefix, '-batch', '-', '-force'] }
        : {
            command: '/bin/sh',
            args: ['-c', RELEASE_SCRIPT, ip, ...argvPrefix],
            env: { TANDEM_RELEASE: releaseFile },
          }),
      onLine: (stream, line) => {
        if (stream === 'stderr') this.#stderr(line);
      },
      onExit: (why) => this.#exited(why),
    });
  }

  /** Runs `lines` and reports each one's outcome. */
  run(lines: readonly string[]): Promise<BatchLineResult[]> {
    if (lines.length === 0) return Promise.resolve([]);
    const bad = lines.find((l) => /[\r\n]/.test(l));
    if (bad !== undefined)
      return Promise.reject(
        new TandemError('TANDEM_ERR_NET_COMMAND', `ip: a line break in ${JSON.stringify(bad)}`),
      );
    return new Promise((resolve, reject) => {
      this.#queue.push({ lines, resolve, reject });
      this.#next();
    });
  }

  /** Starts the process ahead of the first request. */
  warm(): void {
    this.#proc.warm();
  }

  /** Ends the process once the queue is empty of work already written. */
  async close(): Promise<void> {
    await this.#proc.close();
  }

  #next(): void {
    if (this.#current !== undefined) return;
    const req = this.#queue.shift();
    if (req === undefined) return;
    this.#proc.hold();
    const first = this.#written + 1;
    this.#written += req.lines.length + 1;
    this.#pendingText = [];
    const timer = setTimeout(() => this.#proc.kill(), STUCK_MS);
    this.#current = { req, first, errors: new Map(), timer };
    this.#proc.write(`${req.lines.join('\n')}\n${END_MARK}\n`);
  }

  #stderr(line: string): void {
    const cur = this.#current;
    const m = /^Command failed -:(\d+)/.exec(line);
    if (m === null) {
      if (line.trim() !== '') this.#pendingText.push(line.trim());
      return;
    }
    const n = Number(m[1]);
    const text = this.#pendingText.join(' ');
    this.#pendingText = [];
    if (cur === undefined) return;
    if (n < this.#written) {
      cur.errors.set(n - cur.first, text);
      return;
    }
    this.#finish(
      cur.req.lines.map((l, i) => {
        const error = cur.errors.get(i);
        return error === undefined ? { line: l, ok: true } : { line: l, ok: false, error };
      }),
    );
  }

  #finish(result: BatchLineResult[] | Error): void {
    const cur = this.#current;
    if (cur === undefined) return;
    this.#current = undefined;
    clearTimeout(cur.timer);
    this.#proc.release();
    if (result instanceof Error) cur.req.reject(result);
    else cur.req.resolve(result);
    this.#next();
  }

  #exited(why: string): void {
    // A new process counts lines from 1 again.
    this.#written = 0;
    this.#finish(new TandemError('TANDEM_ERR_NET_COMMAND', `ip -batch: ${why}`));
  }
}
