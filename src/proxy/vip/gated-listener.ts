import type { Clock } from '../../core/clock.js';
import type { EventBus } from '../../core/events.js';
import type { Logger } from '../../core/logger.js';
import type { NonlocalBind, VipOwners } from './listen-decision.js';

/** A listening socket the gate binds and releases: one HTTP or stream listener. */
export interface GatedListener {
  /** `http:198.51.100.10:80`, `stream:198.51.100.10:5432`: unique per address. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Binds; rejects with the socket error. */
  bind(): Promise<void>;
  /** Stops accepting; connections already accepted carry on. */
  release(): void;
  listening(): boolean;
  /**
   * How many accept() calls failed so far, and the last error: EMFILE/ENFILE mean the listener
   * cannot take new clients (they are reset) although it is bound.
   */
  acceptErrors?(): { readonly count: number; readonly last: unknown };
}

/** What the gate needs from its host. */
export interface ListenerGateOptions {
  readonly bus: EventBus;
  readonly log: Logger;
  readonly clock: Clock;
  readonly owners: VipOwners;
  readonly nonlocal: NonlocalBind;
  /** How often listeners are checked and failed binds retried. */
  readonly intervalMs: number;
  /** How long after becoming MASTER an EADDRNOTAVAIL is retried (the VIP is being added). */
  readonly vipWaitMs?: number;
  /** Whether another socket holds `host:port` (default: /proc/net/tcp). */
  readonly portHeld?: (host: string, port: number) => boolean;
  /** Why the process is out of descriptors, or undefined (default: `fdHeadroomProblem`, fd-headroom.ts). */
  readonly fdProblem?: () => string | undefined;
}
