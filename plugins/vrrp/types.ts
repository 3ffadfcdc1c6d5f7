/**
 * The VRRP core's state, inputs and effects (design.md §3): `step(state, input) -> { state, effects }`.
 * Times are the Clock's milliseconds (`Clock.now()`); every input carries `now`.
 */
import type { TrackerState } from '../../src/index.js';
import type { VrrpFamily } from './codec/address.js';
import type { ReceivedVrrpPacket } from './codec/packet.js';
import type { ResolvedInstance } from './resolve.js';
import type { VrrpParams, VrrpVip } from './params.js';
import type { VrrpStats } from './stats.js';

/** Instance states (keepalived `VRRP_STATE_*`; STOP after shutdown). */
export type VrrpStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** The timers an instance may have armed: `advert` while MASTER, `master-down` while BACKUP, and GARP bursts. */
export type VrrpTimerName = 'advert' | 'master-down' | 'garp-delay' | 'garp-lower-prio-delay';

/** The runtime state of one instance. */
export interface VrrpInstanceState {
  readonly name: string;
  readonly state: VrrpStateName;
  /** The state this instance would be in regardless of its sync group (keepalived `wantstate`). */
  readonly wantState: 'BACKUP' | 'MASTER' | 'FAULT';
  readonly basePriority: number;
  readonly effectivePriority: number;
  /** base + Σ tracker contributions, before clamping. */
  readonly totalPriority: number;
  /** Master_Adver_Interval in µs (v3 learns it from the master). */
  readonly masterAdverIntUs: number;
  /** The down timer in µs (keepalived `ms_down_timer`). */
  readonly msDownTimerUs: number;
  readonly masterAddress: string | undefined;
  readonly masterPriority: number | undefined;
  /** While a preempt_delay runs: when it ends. */
  readonly preemptUntil: number | undefined;
  /** Whether the VIPs are configured (keepalived `vipset`). */
  readonly vipsSet: boolean;
  /** When the next GARP refresh is due while master. */
  readonly garpRefreshAt: number | undefined;
  readonly interfaceUp: boolean;
  /** Known tracker states by name. */
  readonly trackers: Readonly<Record<string, TrackerState>>;
  /** Armed timers: due times. */
  readonly timers: Readonly<Partial<Record<VrrpTimerName, number>>>;
  readonly notifiesSent: boolean;
  /**
   * A graceful stop is handing this MASTER over: priority 0 was sent, the VIPs stay until the
   * shutdown, and adverts and timers are ignored meanwhile (see `resign`).
   */
  readonly resigning?: boolean;
}

/** Group states (keepalived `sgroup->state`). */
export type VrrpGroupStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** The runtime state of one sync group. */
export interface VrrpGroupState {
  readonly name: string;
  readonly state: VrrpGroupStateName;
}

/** The whole VRRP core's state: configuration (resolved), instances, groups and counters. */
export interface VrrpState {
  readonly config: Readonly<Record<string, ResolvedInstance>>;
  /** Instance names in configuration order (keepalived walks its lists in this order). */
  readonly order: readonly string[];
  readonly groupMembers: Readonly<Record<string, readonly string[]>>;
  readonly logUnknownVrids: boolean;
  readonly instances: Readonly<Record<string, VrrpInstanceState>>;
  readonly groups: Readonly<Record<string, VrrpGroupState>>;
  readonly stats: Readonly<Record<string, VrrpStats>>;
  readonly started: boolean;
}

/** What the core reacts to. */
export type VrrpInput =
  /** Start every instance (keepalived `vrrp_init_state`). Tracker states known at start go in `trackers`. */
  | {
      readonly type: 'start';
      readonly now: number;
      readonly trackers?: Readonly<Record<string, TrackerState>>;
    }
  /** A packet from a VRRP socket; the core decodes, finds the instance and validates it. */
  | { readonly type: 'packet'; readonly now: number; readonly packet: ReceivedVrrpPacket }
  /** A timer set by a `set-timer` effect fired. Stale or unknown timers are ignored. */
  | { readonly type: 'timer'; readonly now: number; readonly instance: string; readonly timer: VrrpTimerName }
  /** A tracker's state changed (edge-triggered Signal). */
  | { readonly type: 'tracker'; readonly now: number; readonly name: string; readonly state: TrackerState }
  /** An interface went up or down (netlink). */
  | { readonly type: 'interface'; readonly now: number; readonly interface: string; readonly up: boolean }
  /** Stop: priority-0 adverts from masters, VIPs removed, notify STOP. */
  | { readonly type: 'shutdown'; readonly now: number }
  /**
   * The first half of a graceful handover: every MASTER sends priority 0 and stops advertising but
   * keeps its VIPs (and so keeps serving) until `shutdown`; received adverts and timers are ignored.
   */
  | { readonly type: 'resign'; readonly now: number }
  /**
   * A reload (SIGHUP): the new configuration applies in place. Instances kept by name (same VRID,
   * interface and family) keep their state, timers and VIPs; removed ones stop, new ones start.
   * `trackers` carries the current state of every tracker the new configuration follows.
   */
  | {
      readonly type: 'reconfigure';
      readonly now: number;
      readonly params: VrrpParams;
      readonly trackers: Readonly<Record<string, TrackerState>>;
    };

/** One advert datagram to send. */
export interface VrrpOutPacket {
  /** 224.0.0.18 / ff02::12 (or the configured group), or one unicast peer. */
  readonly dst: string;
  /** The VRRP message, checksum included (IPv6: with the pseudo-header; the kernel may redo it). */
  readonly payload: Uint8Array;
}

/** States a notify reports (keepalived `notify` 3rd argument and FIFO lines). */
export type VrrpNotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED' | 'MASTER_RX_LOWER_PRI';

/** What the core asks its runner to do, in order. */
export type VrrpEffect =
  | {
      readonly type: 'send-advert';
      readonly instance: string;
      readonly interface: string;
      readonly family: VrrpFamily;
      readonly src: string;
      /** IPv4 TTL / IPv6 hop limit: 255. IPv4 TOS / IPv6 traffic class: 0xC0. */
      readonly ttl: 255;
      readonly priority: number;
      readonly packets: readonly VrrpOutPacket[];
    }
  | {
      readonly type: 'add-vips';
      readonly instance: string;
      readonly interface: string;
      readonly vips: readonly VrrpVip[];
    }
  | {
      readonly type: 'remove-vips';
      readonly instance: string;
      readonly interface: string;
      readonly vips: readonly VrrpVip[];
    }
  | {
      /** `repeat` rounds of one gratuitous ARP (IPv4) or unsolicited NA (IPv6) per address, `intervalMs` apart. */
      readonly type: 'send-garp';
      readonly instance: string;
      readonly interface: string;
      readonly family: VrrpFamily;
      readonly addresses: readonly string[];
      readonly repeat: number;
      readonly intervalMs: number;
    }
  | {
      /**
       * Run the notify_STATE script, the generic `notify` (INSTANCE|GROUP, name, state, priority) and the FIFO
       * line. Groups report priority 0. `MASTER_RX_LOWER_PRI` goes only to `notify_master_rx_lower_pri` and
       * the FIFO (keepalived `send_event_notify`), never to the generic script.
       */
      readonly type: 'notify';
      readonly scope: 'INSTANCE' | 'GROUP';
      readonly name: string;
      readonly state: VrrpNotifyState;
      readonly priority: number;
    }
  | { readonly type: 'log'; readonly level: 'info' | 'debug'; readonly message: string }
  | {
      readonly type: 'set-timer';
      readonly instance: string;
      readonly timer: VrrpTimerName;
      readonly at: number;
    }
  | { readonly type: 'cancel-timer'; readonly instance: string; readonly timer: VrrpTimerName }
  | {
      /** Observation for the event bus, metrics and dashboard: an instance changed state. */
      readonly type: 'state-changed';
      readonly instance: string;
      readonly from: VrrpStateName;
      readonly to: VrrpStateName;
      readonly priority: number;
    };

/** The result of one {@link VrrpInput}. */
export interface VrrpStepResult {
  readonly state: VrrpState;
  readonly effects: readonly VrrpEffect[];
}
