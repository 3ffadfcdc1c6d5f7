import type { IpFamily } from './vrrp-socket.js';

/** One advert as the main loop last sent it. */
export interface PacedPacket {
  readonly dst: string;
  readonly src: string;
  readonly payload: Uint8Array;
}

/** Messages from the daemon to the pacer process. */
export type ToPacer =
  | {
      readonly type: 'open';
      readonly slot: number;
      readonly family: IpFamily;
      readonly interface: string;
      readonly ifindex: number;
      readonly source: string;
      readonly ttl: number;
    }
  /** The adverts of a slot changed (or the slot is armed again): the packets to repeat. */
  | {
      readonly type: 'adverts';
      readonly slot: number;
      readonly intervalMs: number;
      readonly packets: readonly PacedPacket[];
    }
  /** The main loop just sent the slot's adverts; the most frequent message, so the shortest. */
  | { readonly type: 's'; readonly slot: number }
  /** The instance left MASTER or resigned (priority 0): never advertise for it again until re-armed. */
  | { readonly type: 'disarm'; readonly slot: number }
  /** The slot's instance is gone or its socket was reopened: close the pacer's socket for it. */
  | { readonly type: 'forget'; readonly slot: number }
  | { readonly type: 'close' };

/** Messages from the pacer process to the daemon. */
export type FromPacer =
  | { readonly type: 'ready'; readonly niceError?: string }
  | { readonly type: 'error'; readonly slot: number; readonly message: string }
  /** The pacer sent an advert of `slot` because the main loop was `lateMs` past its due time. */
  | { readonly type: 'covered'; readonly slot: number; readonly lateMs: number }
  /** The main loop has been silent longer than the stall budget: the pacer stopped covering. */
  | { readonly type: 'gave-up'; readonly slot: number; readonly silentMs: number };

/** The pacer process's settings, passed as its one argument (JSON). */
export interface PacerSettings {
  /** The longest main-loop silence the pacer covers, ms; longer means the daemon is wedged. */
  readonly stallBudgetMs: number;
  /** keepalived `vrrp_priority`: the nice value for the pacer process. */
  readonly nice?: number;
}
