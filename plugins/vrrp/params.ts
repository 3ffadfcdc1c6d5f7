/**
 * The configuration the VRRP core runs on: plain data, independent of the keepalived.conf model, so the
 * lead can map any model onto it. Defaults are keepalived 2.2.7's (keepalived.md §1).
 */
import type { VrrpFamily } from './codec/address.js';

/** One virtual address (a `virtual_ipaddress` item); only `address` goes on the wire. */
export interface VrrpVip {
  readonly address: string;
  /** Prefix length; /32 or /128 when absent (keepalived default). */
  readonly prefixLength?: number;
  /** `dev`: the device to add it on; the instance interface when absent. */
  readonly device?: string;
  /** Remaining `ip addr` options (brd, scope, label, ...) passed through to the effect runner untouched. */
  readonly options?: Readonly<Record<string, string>>;
}

/** A tracker an instance (or sync group) follows, by name, with keepalived's weight semantics. */
export interface VrrpTrackerParams {
  readonly name: string;
  /** 0: failure puts the instance in FAULT. Otherwise −253..253 (sign per keepalived.md §3). */
  readonly weight: number;
  readonly reverse?: boolean;
  /** For log wording only: `script` (default), `interface`, `file`, `process`, `bfd`. */
  readonly kind?: 'script' | 'interface' | 'file' | 'process' | 'bfd';
}

/** A unicast peer (`unicast_peer { IP [min_ttl N] [max_ttl N] }`). */
export interface VrrpUnicastPeer {
  readonly address: string;
  readonly minTtl?: number;
  readonly maxTtl?: number;
}

/** Gratuitous ARP / unsolicited NA schedule (`garp_*` keywords); all optional, keepalived defaults. */
export interface VrrpGarpParams {
  /** `garp_master_delay`: second burst after becoming master; 0 = none. Default 5000. */
  readonly masterDelayMs?: number;
  /** `garp_master_repeat`: packets per VIP per burst. Default 5. */
  readonly masterRepeat?: number;
  /** `garp_master_refresh`: periodic refresh while master; 0 = off (default). */
  readonly masterRefreshMs?: number;
  /** `garp_master_refresh_repeat`. Default 1. */
  readonly masterRefreshRepeat?: number;
  /** `garp_lower_prio_delay`. Default = masterDelayMs. */
  readonly lowerPrioDelayMs?: number;
  /** `garp_lower_prio_repeat`. Default = masterRepeat. */
  readonly lowerPrioRepeat?: number;
  /** `vrrp_garp_interval` (IPv4) / `vrrp_gna_interval` (IPv6): spacing of packets on an interface. Default 0. */
  readonly intervalMs?: number;
}

/** One `vrrp_instance`. */
export interface VrrpInstanceParams {
  readonly name: string;
  readonly vrid: number;
  /** 2 or 3; IPv6 is always 3. */
  readonly version: 2 | 3;
  readonly family: VrrpFamily;
  readonly interface: string;
  /** Base priority 1..255 (255 = address owner). */
  readonly priority: number;
  /** `state MASTER|BACKUP`; default MASTER for priority 255, else BACKUP. */
  readonly initialState?: 'MASTER' | 'BACKUP';
  /** `advert_int` in ms (v2 rounded to whole seconds, v3 to centiseconds). */
  readonly advertIntMs: number;
  /** false for `nopreempt`. */
  readonly preempt: boolean;
  /** `preempt_delay` in ms; 0 = none. */
  readonly preemptDelayMs?: number;
  /** v2 `authentication { auth_type PASS auth_pass X }`; ignored for v3 (keepalived does the same). */
  readonly auth?: { readonly type: 'PASS'; readonly password: string };
  readonly vips: readonly VrrpVip[];
  /** `virtual_ipaddress_excluded`: added and announced, never advertised. */
  readonly excludedVips?: readonly VrrpVip[];
  /** The advert source: `unicast_src_ip`/`mcast_src_ip`, else the interface's primary (v6: link-local) address. */
  readonly sourceAddress: string;
  /** Unicast peers; empty or absent = multicast. */
  readonly unicastPeers?: readonly VrrpUnicastPeer[];
  /** `check_unicast_src` (or global `vrrp_check_unicast_src`). */
  readonly checkUnicastSrc?: boolean;
  /** `vrrp_mcast_group4/6`; default 224.0.0.18 / ff02::12. */
  readonly mcastGroup?: string;
  readonly garp?: VrrpGarpParams;
  readonly trackers?: readonly VrrpTrackerParams[];
  /** `down_timer_adverts` 1..100, default 3. */
  readonly downTimerAdverts?: number;
  readonly skipCheckAdvAddr?: boolean;
  readonly lowerPrioNoAdvert?: boolean;
  readonly higherPrioSendAdvert?: boolean;
  /** `dont_track_primary`: own interface down does not mean FAULT. */
  readonly dontTrackPrimary?: boolean;
  /** `notify_deleted` is configured: an instance removed by a reload reports DELETED, not FAULT. */
  readonly notifyDeleted?: boolean;
  /** Send v3/IPv4 checksums without the pseudo-header (keepalived ≥ 2.2.8 `v3_checksum_as_v2`). */
  readonly v3ChecksumAsV2?: boolean;
}

/** One `vrrp_sync_group`. */
export interface VrrpSyncGroupParams {
  readonly name: string;
  /** Instance names (`group { VI_1 VI_2 }`). */
  readonly members: readonly string[];
  /** Group-level trackers, applied to every member. */
  readonly trackers?: readonly VrrpTrackerParams[];
  /** `sync_group_tracking_weight`: keep weighted trackers on members (dropped otherwise). */
  readonly trackingWeight?: boolean;
}

/** Everything the VRRP core runs. */
export interface VrrpParams {
  readonly instances: readonly VrrpInstanceParams[];
  readonly syncGroups?: readonly VrrpSyncGroupParams[];
  /** `log_unknown_vrids`. */
  readonly logUnknownVrids?: boolean;
}
