import { AdvertPacer, type Logger, type VrrpSocket } from '../../../src/index.js';

/** Intervals below this get the advert pacer: a main-loop pause is then a fraction of Master_Down. */
const PACED_BELOW_MS = 1000;

/** What the cover needs to know of one instance. */
export interface CoveredInstance {
  readonly name: string;
  /** `advert_int` in ms. */
  readonly advertIntervalMs?: number;
}

/** The adverts of one instance as the core hands them over (`send-advert`). */
export interface SentAdvert {
  readonly instance: string;
  readonly src: string;
  readonly packets: readonly { readonly dst: string; readonly payload: Uint8Array }[];
}

/**
 * The advert pacer (src/net/advert-pacer.ts) as the Linux I/O uses it: started once some instance
 * advertises faster than once a second, one slot per such instance, kept in step with its sending
 * socket across reloads (a socket reopened because its source, peers or TTL changed, or an instance
 * gone, forgets its slot; new ones get one).
 */
export class AdvertCover {
  readonly #log: Logger;
  readonly #nice: number | undefined;
  #pacer: AdvertPacer | undefined;
  readonly #slots = new Map<string, { slot: number; intervalMs: number; sendKey: string }>();

  constructor(log: Logger, nice: number | undefined) {
    this.#log = log;
    this.#nice = nice;
  }

  /** Matches the slots to `instances`; `sockets`/`sendKeys` are each instance's sending socket now. */
  async sync(
    instances: readonly CoveredInstance[],
    sockets: ReadonlyMap<string, VrrpSocket>,
    sendKeys: ReadonlyMap<string, string>,
  ): Promise<void> {
    const paced = instances.filter((i) => (i.advertIntervalMs ?? PACED_BELOW_MS) < PACED_BELOW_MS);
    if (paced.length === 0 && this.#pacer === undefined) return;
    this.#pacer ??= await AdvertPacer.start({
      log: this.#log,
      ...(this.#nice === undefined ? {} : { nice: this.#nice }),
    });
    const pacer = this.#pacer;
    const wanted = new Map(paced.map((i) => [i.name, i]));
    for (const [name, p] of this.#slots) {
      const i = wanted.get(name);
      if (i !== undefined && p.sendKey === sendKeys.get(name)) {
        p.intervalMs = i.advertIntervalMs ?? PACED_BELOW_MS;
        continue;
      }
      pacer.forget(p.slot);
      this.#slots.delete(name);
    }
    for (const i of paced) {
      const s = sockets.get(i.name);
      if (s === undefined || this.#slots.has(i.name)) continue;
      const slot = pacer.register(i.name, {
        family: s.family,
        interface: s.interface,
        ifindex: s.ifindex,
        source: s.source,
        ttl: s.ttl,
      });
      this.#slots.set(i.name, {
        slot,
        intervalMs: i.advertIntervalMs ?? PACED_BELOW_MS,
        sendKey: sendKeys.get(i.name) ?? '',
      });
    }
  }

  /**
   * Runs around the main loop's send of `e`: `before` disarms for a priority-0 advert (resignation
   * is never repeated), `after` records the send and arms; so the pacer never races the main loop.
   */
  beforeSend(e: SentAdvert): void {
    const p = this.#slots.get(e.instance);
    if (p !== undefined && e.packets[0]?.payload[2] === 0) this.#pacer?.disarm(p.slot);
  }

  /** See {@link beforeSend}. */
  afterSend(e: SentAdvert): void {
    const p = this.#slots.get(e.instance);
    if (p !== undefined) this.#pacer?.sent(p.slot, e.src, e.packets, p.intervalMs);
  }

  /** The instance left MASTER: only the main loop may advertise for it from now on. */
  leftMaster(instance: string): void {
    const p = this.#slots.get(instance);
    if (p !== undefined) this.#pacer?.disarm(p.slot);
  }

  /** Ends the pacer process. */
  async close(): Promise<void> {
    await this.#pacer?.close();
    this.#pacer = undefined;
    this.#slots.clear();
  }
}
