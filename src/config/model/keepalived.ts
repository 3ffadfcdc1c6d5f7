/**
 * The typed model of a keepalived.conf, VRRP side, as keepalived 2.2.7 understands it: every field
 * carries keepalived's default when the file leaves it out, durations are integers in the unit their
 * name states (`...Ms`, `...Cs`, `...Us`), addresses are parsed. Plain readonly JSON data: the VRRP
 * engine and trackers are built from it and never write back (design.md §1).
 */
import type { SourceLoc } from '../source-loc.js';

/** An IP address family, as keepalived derives it from the first address it sees. */
export type AddressFamily = 'inet' | 'inet6';

/** `MASTER` or `BACKUP`, the initial state wanted (`state`), resolved from priority when absent. */
export type VrrpInitialState = 'MASTER' | 'BACKUP';

/** A script or notify command after keepalived's re-split (`alloc_strvec_quoted_escaped`). */
export interface ScriptCommandConfig {
  /** argv: the program as written (keepalived later resolves it with realpath) and its arguments. */
  readonly argv: readonly string[];
  /**
   * The user the script runs as: `user [group]` written after a notify script or in vrrp_script, else
   * `script_user`, else `keepalived_script` if that user exists, else root (keepalived's default user).
   */
  readonly user?: string;
  readonly group?: string;
  readonly loc: SourceLoc;
}

/** One address line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress (reference §1.4). */
export interface IpAddressConfig {
  readonly family: AddressFamily;
  /** The address without prefix, as written (normalised by the platform's inet_pton rules). */
  readonly address: string;
  /** Prefix length: /32 or /128 when not written. */
  readonly prefix: number;
  /** Broadcast address (computed for `brd +` / `brd -`). */
  readonly broadcast?: string;
  /** `dev IF`; absent means the instance interface (static: default_interface). */
  readonly dev?: string;
  /** `scope` as a name (`global` when not written). */
  readonly scope: string;
  readonly label?: string;
  readonly peer?: string;
  readonly home: boolean;
  readonly noDad: boolean;
  readonly mngtmpaddr: boolean;
  readonly noPrefixRoute: boolean;
  readonly autojoin: boolean;
  /** `no_track`: a missing address does not put the instance in FAULT. */
  readonly noTrack: boolean;
  /** `preferred_lft` seconds, or 'forever'; IPv6 default: 0 for /128, forever otherwise. */
  readonly preferredLft?: number | 'forever';
  readonly useVmac: boolean;
  /** static_ipaddress only. */
  readonly trackGroup?: string;
  /** The line as written, for logs (`10.0.0.1/24 dev eth0`). */
  readonly text: string;
  readonly loc: SourceLoc;
}

/** One line of virtual_routes / static_routes / virtual_rules / static_rules in `ip route|rule` syntax. */
export interface IpRouteConfig {
  readonly family: AddressFamily;
  /** The words after keepalived's parse, for the `ip` effect runner (`ip route add <words>`). */
  readonly words: readonly string[];
  /** Destination (`to`), `default` included. */
  readonly to?: string;
  readonly via?: string;
  readonly dev?: string;
  readonly table?: string;
  /** Route `metric`, or the rule `preference` / `priority`. */
  readonly metric?: number;
  readonly noTrack: boolean;
  readonly loc: SourceLoc;
}

/** A tracked object reference with the weight that applies to this instance or group. */
export interface TrackRefConfig {
  readonly name: string;
  /** Effective weight: the line's `weight` or the object's own; 0 means FAULT on failure. */
  readonly weight: number;
  readonly reverse: boolean;
  readonly loc: SourceLoc;
}

/** `unicast_peer { IP [min_ttl N] [max_ttl N] }`. */
export interface UnicastPeerConfig {
  readonly address: string;
  readonly minTtl: number;
  readonly maxTtl: number;
  readonly loc: SourceLoc;
}

/** `authentication { auth_type PASS|AH  auth_pass STR }` as it survives keepalived's checks. */
export interface AuthenticationConfig {
  readonly type: 'PASS' | 'AH';
  /** At most 8 characters (keepalived truncates and warns). Masked as "***" in dumps. */
  readonly password: string;
}

/** `use_vmac [[name] IF] [MAC]` and its companions. */
export interface VmacConfig {
  /** Interface name for the macvlan; default `vrrp.<VRID>` (vmac_prefix). */
  readonly ifname: string;
  readonly mac?: string;
  readonly xmitBase: boolean;
  readonly useVmacAddr: boolean;
}

/** The notify hooks of an instance or sync group. */
export interface NotifyConfig {
  readonly master?: ScriptCommandConfig;
  readonly backup?: ScriptCommandConfig;
  readonly fault?: ScriptCommandConfig;
  readonly stop?: ScriptCommandConfig;
  readonly deleted?: ScriptCommandConfig;
  /** Generic `notify`: gets 4 extra args (TYPE NAME STATE PRIORITY). */
  readonly generic?: ScriptCommandConfig;
  readonly masterRxLowerPri?: ScriptCommandConfig;
  /** `notify_deleted` seen: removed instances report DELETED instead of FAULT. */
  readonly notifyDeleted: boolean;
}

/** `vrrp_instance NAME { ... }` with every default resolved as vrrp_complete_instance does. */
export interface VrrpInstanceConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly state: VrrpInitialState;
  /** Absent only for unicast instances with unicast_src_ip and no interface. */
  readonly interface?: string;
  readonly vrid: number;
  /** 1..255; 255 when `state MASTER` and no priority, else 100. */
  readonly priority: number;
  /** VRRP version 2 or 3 (IPv6 forces 3). */
  readonly version: 2 | 3;
  readonly family: AddressFamily;
  /** advert_int in centiseconds after keepalived's rounding (v2: whole seconds; v3: 10 ms units). */
  readonly advertIntCs: number;
  readonly virtualIpaddresses: readonly IpAddressConfig[];
  readonly virtualIpaddressesExcluded: readonly IpAddressConfig[];
  readonly virtualRoutes: readonly IpRouteConfig[];
  readonly virtualRules: readonly IpRouteConfig[];
  readonly trackInterfaces: readonly TrackRefConfig[];
  readonly trackScripts: readonly TrackRefConfig[];
  readonly trackFiles: readonly TrackRefConfig[];
  readonly trackProcesses: readonly TrackRefConfig[];
  readonly trackBfds: readonly TrackRefConfig[];
  readonly dontTrackPrimary: boolean;
  /** Source address from `unicast_src_ip` / `mcast_src_ip`; absent means the interface's primary address. */
  readonly sourceAddress?: string;
  /** Unicast peers; empty means multicast. */
  readonly unicastPeers: readonly UnicastPeerConfig[];
  /** Multicast destination (global vrrp_mcast_group4/6 unless mcast_dst_ip); absent with unicast. */
  readonly mcastDestination?: string;
  /** TTL for unicast adverts (IPv4 default 255); undefined for IPv6 (kernel default). */
  readonly unicastTtl?: number;
  readonly checkUnicastSrc: boolean;
  readonly unicastFaultNoPeer: boolean;
  readonly trackSrcIp: boolean;
  readonly authentication?: AuthenticationConfig;
  readonly nopreempt: boolean;
  /** preempt_delay in milliseconds (0 = none). */
  readonly preemptDelayMs: number;
  readonly garpMasterDelayMs: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshMs: number;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayMs: number;
  readonly garpLowerPrioRepeat: number;
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly strictMode: boolean;
  /** accept mode (false = no_accept): default true, except strict and priority ≠ 255. */
  readonly accept: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly promoteSecondaries: boolean;
  readonly smtpAlert: boolean;
  readonly notifyPriorityChanges: boolean;
  readonly vmac?: VmacConfig;
  readonly notify: NotifyConfig;
  /** The sync group holding this instance, if any. */
  readonly syncGroup?: string;
}

/** `vrrp_script NAME { ... }`. */
export interface VrrpScriptConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly command: ScriptCommandConfig;
  readonly intervalMs: number;
  /** 0 means "use interval" (keepalived's default). */
  readonly timeoutMs: number;
  /** −253..253; 0 (the default) means failure puts tracking instances in FAULT. */
  readonly weight: number;
  readonly reverse: boolean;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
}

/** `track_file NAME { ... }` (also the deprecated `vrrp_track_file`). */
export interface TrackFileConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly file: string;
  /** Default 1; 0 means any non-zero value is a fault. */
  readonly weight: number;
  readonly reverse: boolean;
  /** `init_file [VALUE] [overwrite]`: create the file with VALUE (default 0). */
  readonly initFile?: { readonly value: number; readonly overwrite: boolean };
}

/** `vrrp_track_process NAME { ... }`. */
export interface TrackProcessConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  readonly process: string;
  readonly params: readonly string[];
  readonly paramMatch: 'none' | 'exact' | 'initial' | 'partial';
  readonly fullCommand: boolean;
  readonly weight: number;
  readonly reverse: boolean;
  readonly quorum: number;
  /** 0 means no maximum. */
  readonly quorumMax: number;
  readonly terminateDelayMs: number;
  readonly forkDelayMs: number;
}

/** `vrrp_sync_group NAME { group { ... } ... }`. */
export interface VrrpSyncGroupConfig {
  readonly name: string;
  readonly loc: SourceLoc;
  /** Member instance names that exist, in order. */
  readonly members: readonly string[];
  readonly trackInterfaces: readonly TrackRefConfig[];
  readonly trackScripts: readonly TrackRefConfig[];
  readonly trackFiles: readonly TrackRefConfig[];
  readonly trackProcesses: readonly TrackRefConfig[];
  readonly notify: NotifyConfig;
  readonly smtpAlert: boolean;
  readonly trackingWeight: boolean;
  readonly notifyPriorityChanges: boolean;
}

/** `global_defs { ... }`, VRRP-relevant part (reference §1.1). */
export interface GlobalDefsConfig {
  readonly routerId?: string;
  readonly notificationEmail: readonly string[];
  readonly notificationEmailFrom?: string;
  readonly smtpServer?: string;
  readonly smtpConnectTimeoutS: number;
  readonly smtpAlert: boolean;
  readonly mcastGroup4: string;
  readonly mcastGroup6: string;
  readonly vrrpVersion: 2 | 3;
  readonly garpMasterDelayMs: number;
  readonly garpMasterRepeat: number;
  readonly garpMasterRefreshMs: number;
  readonly garpMasterRefreshRepeat: number;
  readonly garpLowerPrioDelayMs?: number;
  readonly garpLowerPrioRepeat?: number;
  /** Delay between gratuitous ARPs / NAs in microseconds (0 = none). */
  readonly garpIntervalUs: number;
  readonly gnaIntervalUs: number;
  readonly minGarp: boolean;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly downTimerAdverts: number;
  readonly strict: boolean;
  readonly skipCheckAdvAddr: boolean;
  readonly checkUnicastSrc: boolean;
  readonly enableScriptSecurity: boolean;
  /** `script_user`; undefined = keepalived_script if it exists, else root. */
  readonly scriptUser?: string;
  readonly scriptGroup?: string;
  readonly startupDelayMs: number;
  readonly defaultInterface: string;
  readonly notifyFifo?: string;
  readonly vrrpNotifyFifo?: string;
  readonly notifyPriorityChanges: boolean;
  readonly vmacPrefix: string;
  readonly dynamicInterfaces: boolean;
  /** Keywords keepalived accepts that Tandem keeps but does not act on, name → words. */
  readonly other: Readonly<Record<string, readonly string[]>>;
}

/** The LVS side (virtual_server, checkers): kept as a tree, not run by Tandem yet. */
export interface LvsBlockConfig {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly loc: SourceLoc;
}

/** The whole VRRP-side model of one keepalived.conf. */
export interface KeepalivedConfig {
  readonly file: string;
  /** Every file read, main file first. */
  readonly files: readonly string[];
  readonly globalDefs: GlobalDefsConfig;
  readonly vrrpScripts: readonly VrrpScriptConfig[];
  readonly vrrpInstances: readonly VrrpInstanceConfig[];
  readonly vrrpSyncGroups: readonly VrrpSyncGroupConfig[];
  readonly trackFiles: readonly TrackFileConfig[];
  readonly trackProcesses: readonly TrackProcessConfig[];
  readonly staticIpaddresses: readonly IpAddressConfig[];
  readonly staticRoutes: readonly IpRouteConfig[];
  readonly staticRules: readonly IpRouteConfig[];
  readonly lvs: readonly LvsBlockConfig[];
}
