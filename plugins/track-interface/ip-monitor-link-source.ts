import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseLinkLine, type LinkSource } from './link-source.js';

/** Options of {@link IpMonitorLinkSource}. */
export interface IpMonitorOptions {
  /** Watch inside this network namespace (`ip -n NS`). */
  readonly netns?: string;
  /** The `ip` binary; default `ip` from PATH. */
  readonly ip?: string;
}

/**
 * A {@link LinkSource} fed by iproute2: `ip -o monitor link` for changes (netlink RTM_NEWLINK /
 * RTM_DELLINK underneath), started before an `ip -o link show` dump so no change falls between
 * the two. Reading lines from a child process never blocks the event loop.
 */
export class IpMonitorLinkSource implements LinkSource {
  readonly #state = new Map<string, boolean>();
  readonly #listeners = new Map<string, Set<(up: boolean) => void>>();
  readonly #ip: string;
  readonly #ns: string[];
  #monitor: ChildProcess | undefined;
  readonly #ready: Promise<void>;

  constructor(options: IpMonitorOptions = {}) {
    this.#ip = options.ip ?? 'ip';
    this.#ns = options.netns === undefined ? [] : ['-n', options.netns];
    this.#monitor = spawn(this.#ip, [...this.#ns, '-o', 'monitor', 'link'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.#monitor.on('error', () => undefined);
    const rl = createInterface({ input: this.#monitor.stdout ?? process.stdin });
    rl.on('line', (line) => {
      this.#line(line);
    });
    this.#ready = new Promise<void>((resolve) => {
      // The dump waits until the monitor runs, so an event between them is seen by one or the other.
      const dump = (): void => {
        execFile(this.#ip, [...this.#ns, '-o', 'link', 'show'], (err, stdout) => {
          if (err === null) for (const line of stdout.split('\n')) this.#line(line, true);
          resolve();
        });
      };
      if (this.#monitor?.pid !== undefined) dump();
      else this.#monitor?.once('spawn', dump).once('error', dump);
    });
  }

  #line(line: string, fromDump = false): void {
    const l = parseLinkLine(line);
    if (l === undefined) return;
    const prev = this.#state.get(l.ifname);
    // A dump line must not overwrite a newer monitor event already seen.
    if (fromDump && prev !== undefined) return;
    if (l.deleted) this.#state.delete(l.ifname);
    else this.#state.set(l.ifname, l.up);
    if (prev === l.up || (prev === undefined && l.deleted)) return;
    for (const fn of this.#listeners.get(l.ifname) ?? []) fn(l.up);
  }

  get(ifname: string): boolean | undefined {
    return this.#state.get(ifname);
  }

  subscribe(ifname: string, fn: (up: boolean) => void): () => void {
    let set = this.#listeners.get(ifname);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(ifname, set);
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  close(): void {
    this.#monitor?.kill('SIGTERM');
    this.#monitor = undefined;
  }
}
