import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { Coprocess } from './coprocess.js';

/** Options for {@link GratuitousArp}. */
export interface GratuitousArpOptions {
  /** The `arping` executable from Debian's `iputils-arping`; `arping` on PATH by default. */
  readonly arpingPath?: string;
  /** Run arping in this named namespace (`ip netns exec NS arping ...`), for tests. */
  readonly netns?: string;
  /** Give up waiting for an arping's outcome after this long (`-w 1` ends each within ~1 s). */
  readonly timeoutMs?: number;
  readonly log?: Logger;
}

/** The arping argument vector for one gratuitous ARP: ARP request, sender = target = VIP, broadcast. */
export function arpingArgs(device: string, address: string): string[] {
  // iputils-arping -U: "unsolicited ARP mode": op=request, sender IP = target IP = the address,
  // Ethernet and target MAC ff:ff:ff:ff:ff:ff: exactly keepalived's GARP (vrrp.md §1.8). -c 1 -w 1
  // sends one and bounds the process; -i only takes whole seconds (and -i 0 hangs in 20221126), so a
  // back-to-back burst is one process per packet.
  return ['-q', '-U', '-c', '1', '-w', '1', '-I', device, '-s', address, address];
}

/**
 * The launcher: a small shell kept running that starts one arping per `ID DEVICE ADDRESS` line and
 * prints `ID STATUS OUTPUT` when it exits. Forking from a shell of a few hundred kilobytes puts the
 * packet on the wire ~1.5 ms after the line is written; a spawn from the daemon itself (tens of
 * megabytes of page tables to copy) took 4-10 ms. Nothing from a line is ever evaluated: `read`
 * splits it into words and the words are arping's arguments. `set -f`: no globbing of arping's text.
 */
function launcherScript(): string {
  const argv = arpingArgs('"$dev"', '"$addr"').join(' ');
  return [
    'set -f',
    'while read -r id dev addr; do',
    `  (out=$(exec "$0" ${argv} 2>&1 </dev/null); code=$?; printf '%s %s %s\\n' "$id" "$code" "$(echo $out)") &`,
    'done',
  ].join('\n');
}

/**
 * Sends gratuitous ARPs for IPv4 VIPs. Node has no AF_PACKET sockets and raw-socket offers none, so
 * each ARP is one `arping` process from iputils-arping, started by a launcher shell kept running
 * (see {@link launcherScript}). Sending never blocks VRRP: it is fire-and-forget and failures are
 * logged.
 */
export class GratuitousArp {
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #launcher: Coprocess;
  readonly #pending = new Map<number, { device: string; address: string; done: (why?: string) => void }>();
  #nextId = 1;

  constructor(options: GratuitousArpOptions = {}) {
    const arping = options.arpingPath ?? 'arping';
    const sh = ['-c', launcherScript(), arping];
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#log = options.log ?? silentLogger;
    this.#launcher = new Coprocess({
      command: options.netns === undefined ? '/bin/sh' : 'ip',
      args: options.netns === undefined ? sh : ['netns', 'exec', options.netns, '/bin/sh', ...sh],
      onLine: (stream, line) => this.#line(stream, line),
      onExit: (why) => {
        for (const p of [...this.#pending.values()]) p.done(`the arping launcher ${why}`);
      },
    });
  }

  /** arpings started and not yet finished. */
  get running(): number {
    return this.#pending.size;
  }

  /**
   * Sends `repeat` rounds of one GARP per address, `intervalMs` apart (keepalived's
   * `garp_master_repeat` and `garp_interval`); the first round goes at once. Resolves when every
   * arping of every round has exited (callers need not wait).
   */
  async send(device: string, addresses: readonly string[], repeat = 5, intervalMs = 0): Promise<void> {
    const all: Promise<void>[] = [];
    for (let round = 0; round < repeat; round++) {
      if (round > 0 && intervalMs > 0) await this.#sleep(intervalMs);
      let lines = '';
      for (const a of addresses) {
        const id = this.#nextId++;
        all.push(this.#track(id, device, a));
        lines += `${id} ${device} ${a}\n`;
      }
      this.#launcher.write(lines);
    }
    await Promise.all(all);
  }

  /** Cancels pending rounds (the instance left MASTER); arpings already started finish on their own. */
  cancel(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  /** Starts the launcher ahead of the first GARP (a takeover then pays no process start-up). */
  warm(): void {
    this.#launcher.warm();
  }

  /** Ends the launcher shell (arpings already started finish on their own). */
  async close(): Promise<void> {
    this.cancel();
    await this.#launcher.close();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  #track(id: number, device: string, address: string): Promise<void> {
    this.#launcher.hold();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => done(`no outcome from arping within ${this.#timeoutMs} ms`),
        this.#timeoutMs,
      );
      const done = (why?: string): void => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        this.#launcher.release();
        if (why !== undefined) this.#log.warn(`gratuitous ARP for ${address} on ${device} failed: ${why}`);
        resolve();
      };
      this.#pending.set(id, { device, address, done });
    });
  }

  /** `ID STATUS OUTPUT` from the launcher; anything else is the shell's own complaint. */
  #line(stream: 'stdout' | 'stderr', line: string): void {
    const m = stream === 'stdout' ? /^(\d+) (\d+) ?(.*)$/.exec(line) : null;
    const p = m === null ? undefined : this.#pending.get(Number(m[1]));
    if (m === null || p === undefined) {
      if (line.trim() !== '') this.#log.warn(`gratuitous ARP launcher: ${line.trim()}`);
      return;
    }
    if (m[2] === '0') p.done();
    else {
      const hint = m[2] === '127' ? ' (install iputils-arping)' : '';
      p.done(`arping exited ${m[2]}: ${m[3] ?? ''}${hint}`.trim());
    }
  }
}
