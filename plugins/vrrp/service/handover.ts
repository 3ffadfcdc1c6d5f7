/**
 * The graceful handover of a stopping MASTER (docs/vrrp-linux.md "Graceful handover"): after its
 * priority-0 advert the old master keeps its VIPs until the new master's first advert is seen, then a
 * short linger for that master's gratuitous ARP, so the VIP is never nowhere.
 */
import type { Clock, ReceivedDatagram } from '../../../src/index.js';
import { decodeAdvert } from '../codec/decode.js';
import type { VrrpState } from '../types.js';

/**
 * How long the old master keeps the VIP after the new master's first advert. keepalived sends its
 * gratuitous ARPs right after that advert; Tandem adds the VIP and spawns arping first, measured
 * 4-40 ms under load (src/net/gratuitous-arp.ts). Holding the VIP a little longer costs nothing:
 * clients that have not seen the ARP yet are still served here.
 */
export const HANDOVER_LINGER_MS = 150;

interface Watch {
  readonly interface: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly vrid: number;
  readonly ownSource: string;
  /** The new master advertised. */
  readonly hit: () => void;
  /** Ends the wait without a new master. */
  readonly release: () => void;
}

/** What a handover found, for the log. */
export interface HandoverOutcome {
  /** Instances whose new master advertised, with the delay after our priority 0 in ms. */
  readonly seen: ReadonlyMap<string, number>;
  /** Instances whose wait ran out (no backup, or it did not take over). */
  readonly missed: readonly string[];
}

/** Waits, per MASTER instance, for another router's first non-zero advert on the same virtual router. */
export class HandoverWatch {
  readonly #watches = new Map<string, Watch>();

  /** Whether any instance is still waiting (checked per received packet: cheap when idle). */
  get active(): boolean {
    return this.#watches.size > 0;
  }

  /** Looks at a received datagram (before the engine does); resolves the watch it answers. */
  observe(d: ReceivedDatagram): void {
    if (this.#watches.size === 0) return;
    const adv = decodeAdvert(d.payload, d.family);
    if (adv === undefined || adv.priority === 0) return;
    for (const [name, w] of this.#watches) {
      if (w.interface !== d.interface || w.family !== d.family || w.vrid !== adv.vrid) continue;
      if (d.src === w.ownSource) continue;
      this.#watches.delete(name);
      w.hit();
    }
  }

  /**
   * Starts watching every MASTER of `state`, calls `resign` (which sends the priority-0 adverts), and
   * resolves once each has seen its new master or `boundMs` passed, or `signal` aborts.
   */
  async run(
    state: VrrpState,
    clock: Clock,
    resign: () => void,
    signal: AbortSignal,
  ): Promise<HandoverOutcome> {
    const masters = state.order.filter((n) => state.instances[n]?.state === 'MASTER');
    const seen = new Map<string, number>();
    if (masters.length === 0) return { seen, missed: [] };
    const t0 = clock.now();
    let boundMs = 0;
    const waits = masters.map((name) => {
      const c = state.config[name];
      if (c === undefined) return Promise.resolve();
      // A backup takes over Skew_Time after priority 0 (at most one interval); Master_Down_Interval
      // (3 intervals + skew) bounds it even if the priority-0 advert was lost.
      boundMs = Math.max(boundMs, (4 * c.adverIntUs) / 1000);
      return new Promise<void>((resolve) => {
        this.#watches.set(name, {
          interface: c.params.interface,
          family: c.params.family,
          vrid: c.params.vrid,
          ownSource: c.sourceAddress,
          hit: () => {
            seen.set(name, clock.now() - t0);
            resolve();
          },
          release: resolve,
        });
      });
    });
    resign();
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const onAbort = (): void => this.#release();
    signal.addEventListener('abort', onAbort, { once: true });
    await Promise.race([
      Promise.all(waits),
      new Promise<void>((resolve) => {
        timer = clock.setTimeout(resolve, boundMs);
      }),
    ]);
    if (timer !== undefined) clock.clearTimeout(timer);
    const missed = masters.filter((m) => !seen.has(m));
    this.#release();
    if (seen.size > 0 && !signal.aborted)
      await new Promise<void>((resolve) => clock.setTimeout(resolve, HANDOVER_LINGER_MS));
    signal.removeEventListener('abort', onAbort);
    return { seen, missed };
  }

  #release(): void {
    for (const w of this.#watches.values()) w.release();
    this.#watches.clear();
  }
}
