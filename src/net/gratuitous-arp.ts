import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';

/** Options for {@link GratuitousArp}. */
export interface GratuitousArpOptions {
  /** The `arping` executable from Debian's `iputils-arping`; `arping` on PATH by default. */
  readonly arpingPath?: string;
  /** Run arping in this named namespace (`ip netns exec NS arping ...`), for tests. */
  readonly netns?: string;
  /** Kill an arping that has not exited after this long (it normally lingers ~1 s after sending). */
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
 * Sends gratuitous ARPs for IPv4 VIPs. Node has no AF_PACKET sockets and raw-socket offers none, so
 * each ARP is one `arping` process from iputils-arping (measured: the packet is on the wire 4-40 ms
 * after the spawn, the process exits ~1 s later). Sending never blocks VRRP: it is fire-and-forget,
 * failures are logged, and every process is killed after {@link GratuitousArpOptions.timeoutMs}.
 */
export class GratuitousArp {
  readonly #arping: string;
  readonly #netns: string | undefined;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  #running = 0;

  constructor(options: GratuitousArpOptions = {}) {
    this.#arping = options.arpingPath ?? 'arping';
    this.#netns = options.netns;
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#log = options.log ?? silentLogger;
  }

  /** arping processes still running. */
  get running(): number {
    return this.#running;
  }

  /**
   * Sends `repeat` rounds of one GARP per address, `intervalMs` apart (keepalived's
   * `garp_master_repeat` and `garp_interval`); the first round goes at once. Resolves when every
   * process of every round has exited (callers need not wait).
   */
  async send(device: string, addresses: readonly string[], repeat = 5, intervalMs = 0): Promise<void> {
    const all: Promise<void>[] = [];
    for (let round = 0; round < repeat; round++) {
      if (round > 0 && intervalMs > 0) await this.#sleep(intervalMs);
      for (const a of addresses) all.push(this.#one(device, a));
    }
    await Promise.all(all);
  }

  /** Cancels pending rounds (the instance left MASTER); running processes finish on their own. */
  cancel(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
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

  #one(device: string, address: string): Promise<void> {
    const args = arpingArgs(device, address);
    const [cmd, argv] =
      this.#netns === undefined
        ? [this.#arping, args]
        : ['ip', ['netns', 'exec', this.#netns, this.#arping, ...args]];
    return new Promise((resolve) => {
      this.#running++;
      let stderr = '';
      const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
      // No pipe when the spawn itself failed (EMFILE): then only 'error' arrives.
      (child.stderr as Readable | null)?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const kill = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
      let finished = false;
      // A failed spawn emits both 'error' and 'close': report it once.
      const done = (ok: boolean, why: string): void => {
        if (finished) return;
        finished = true;
        clearTimeout(kill);
        this.#running--;
        if (!ok) this.#log.warn(`gratuitous ARP for ${address} on ${device} failed: ${why}`);
        resolve();
      };
      child.on('error', (err) => {
        const hint = (err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install iputils-arping)' : '';
        done(false, `${err.message}${hint}`);
      });
      child.on('close', (code, signal) => {
        done(
          code === 0,
          signal === null ? `arping exited ${code}: ${stderr.trim()}` : `arping killed by ${signal}`,
        );
      });
    });
  }
}
