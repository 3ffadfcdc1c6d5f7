import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { FromPacer, PacedPacket, PacerSettings, ToPacer } from './advert-pacer-protocol.js';
import type { IpFamily } from './vrrp-socket.js';

/** The sending side of one instance, as its main-loop socket has it. */
export interface PacerSlotSpec {
  readonly family: IpFamily;
  readonly interface: string;
  readonly ifindex: number;
  readonly source: string;
  readonly ttl: number;
}

/** Options for {@link AdvertPacer.start}. */
export interface AdvertPacerOptions {
  readonly log: Logger;
  /** The longest main-loop silence covered, ms (1000): past it the daemon counts as wedged. */
  readonly stallBudgetMs?: number;
  /** keepalived `vrrp_priority` (-20..19): the pacer process's nice value. */
  readonly nice?: number;
}

type Wire = readonly { readonly dst: string; readonly payload: Uint8Array }[];

/**
 * Keeps a MASTER's adverts on time while the daemon's main event loop is paused. The main loop
 * still decides and sends every advert, and tells the pacer (a small child process with its own
 * raw socket) each time. When an advert is late by 40% of the interval, the pacer sends the same
 * packets and keeps the cadence until the main loop sends again. Leaving MASTER, or a priority-0
 * advert, disarms the instance first. A main loop silent for longer than the stall budget is not
 * covered: a wedged daemon must lose the VIP to its peer. Without this a 36 ms pause at 10 ms
 * adverts is a false failover (issue 6 soak); keepalived runs VRRP in a process of its own too.
 */
export class AdvertPacer {
  readonly #child: ChildProcess;
  readonly #log: Logger;
  readonly #names: string[] = [];
  readonly #last = new Map<number, { intervalMs: number; packets: readonly PacedPacket[] }>();
  readonly #armed = new Set<number>();
  /** Pauses covered since the last info line, for one line a minute at most. */
  #pauses = { count: 0, longestMs: 0, loggedAt: -Infinity };
  #closed = false;

  private constructor(child: ChildProcess, log: Logger) {
    this.#child = child;
    this.#log = log;
    child.on('message', (m: FromPacer) => {
      this.#onMessage(m);
    });
    child.on('exit', (code, signal) => {
      if (!this.#closed)
        this.#log.error(
          `VRRP advert pacer exited (${signal ?? String(code)}); adverts rely on the main loop`,
        );
    });
  }

  /** Starts the pacer process and waits until it is ready (5 s at most). */
  static async start(o: AdvertPacerOptions): Promise<AdvertPacer> {
    const settings: PacerSettings = {
      stallBudgetMs: o.stallBudgetMs ?? 1000,
      ...(o.nice === undefined ? {} : { nice: o.nice }),
    };
    const child = fork(
      fileURLToPath(new URL('./advert-pacer-child.js', import.meta.url)),
      [JSON.stringify(settings)],
      {
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ready = await new Promise<FromPacer>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the VRRP advert pacer did not start within 5 s'));
      }, 5000);
      child.once('message', (m: FromPacer) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    if (ready.type === 'ready' && ready.niceError !== undefined)
      o.log.warn(`vrrp_priority ${o.nice ?? ''}: cannot set the VRRP pacer's priority: ${ready.niceError}`);
    return new AdvertPacer(child, o.log);
  }

  /** The pacer's process id (its nice value, tests). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Opens the pacer's socket for an instance; returns its slot. */
  register(name: string, spec: PacerSlotSpec): number {
    const slot = this.#names.length;
    this.#names.push(name);
    this.#post({ type: 'open', slot, ...spec });
    return slot;
  }

  /**
   * The main loop just sent `packets` from `src` for `slot`: a short "sent" message, or the packets
   * themselves when they changed or the slot was disarmed. A priority-0 advert disarms instead.
   */
  sent(slot: number, src: string, packets: Wire, intervalMs: number): void {
    if (this.#closed) return;
    const first = packets[0];
    if (first === undefined || first.payload[2] === 0) {
      this.disarm(slot);
      return;
    }
    const last = this.#last.get(slot);
    if (
      this.#armed.has(slot) &&
      last !== undefined &&
      last.intervalMs === intervalMs &&
      samePackets(last.packets, src, packets)
    ) {
      this.#post({ type: 's', slot });
      return;
    }
    // Copies: the caller's payloads may be reused buffers.
    const copy = packets.map((p) => ({ dst: p.dst, src, payload: Uint8Array.from(p.payload) }));
    this.#last.set(slot, { intervalMs, packets: copy });
    this.#armed.add(slot);
    this.#post({ type: 'adverts', slot, intervalMs, packets: copy });
  }

  /** The instance left MASTER or resigned: the pacer must not send for it from now on. */
  disarm(slot: number): void {
    if (!this.#armed.delete(slot)) return;
    this.#post({ type: 'disarm', slot });
  }

  /** The slot's instance is gone or got a new socket: the pacer closes its socket for it. */
  forget(slot: number): void {
    this.#armed.delete(slot);
    this.#last.delete(slot);
    this.#post({ type: 'forget', slot });
  }

  /** Disarms everything, closes the pacer's sockets and waits for it to exit (1 s, then SIGKILL). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    this.#post({ type: 'close' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 1000);
    await ended;
    clearTimeout(timer);
  }

  #post(m: ToPacer): void {
    if (!this.#child.connected) return;
    try {
      this.#child.send(m);
    } catch (err) {
      this.#log.error(`VRRP advert pacer: ${messageOf(err)}`);
    }
  }

  #onMessage(m: FromPacer): void {
    switch (m.type) {
      case 'ready':
        return;
      case 'error':
        this.#log.error(`(${this.#names[m.slot] ?? '?'}) VRRP advert pacer cannot send: ${m.message}`);
        return;
      case 'covered': {
        const name = this.#names[m.slot] ?? '?';
        this.#log.debug(`(${name}) main loop ${m.lateMs.toFixed(1)} ms late; the VRRP pacer sent the advert`);
        // One info line a minute at most: it explains a pause an operator may see elsewhere.
        const p = this.#pauses;
        p.count++;
        p.longestMs = Math.max(p.longestMs, m.lateMs);
        const now = performance.now();
        if (now - p.loggedAt >= 60_000) {
          this.#log.info(
            `VRRP pacer covered ${p.count} late advert(s) of the main loop (up to ${p.longestMs.toFixed(1)} ms late)`,
          );
          this.#pauses = { count: 0, longestMs: 0, loggedAt: now };
        }
        return;
      }
      case 'gave-up':
        this.#log.warn(
          `(${this.#names[m.slot] ?? '?'}) main loop silent for ${m.silentMs.toFixed(0)} ms; the VRRP pacer stopped advertising for it`,
        );
        return;
    }
  }
}

function samePackets(a: readonly PacedPacket[], src: string, b: Wire): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.dst !== y.dst || x.src !== src) return false;
    if (!Buffer.from(x.payload.buffer, x.payload.byteOffset, x.payload.byteLength).equals(y.payload))
      return false;
  }
  return true;
}
