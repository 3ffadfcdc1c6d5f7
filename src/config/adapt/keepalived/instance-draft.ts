/**
 * The state of a vrrp_instance while its block is read, mirroring keepalived's `vrrp_t` before
 * `vrrp_complete_instance`: unset values stay undefined until the completion pass resolves them.
 */
import type { SourceLoc } from '../../source-loc.js';
import type {
  AddressFamily,
  IpAddressConfig,
  IpRouteConfig,
  NotifyConfig,
  TrackRefConfig,
  UnicastPeerConfig,
  VmacConfig,
} from '../../model/keepalived.js';

/** A vrrp_instance being read (keepalived `alloc_vrrp` defaults). */
export interface InstanceDraft {
  name: string;
  loc: SourceLoc;
  wantState?: 'MASTER' | 'BACKUP';
  stateLoc?: SourceLoc;
  interface?: string;
  interfaceLoc?: SourceLoc;
  vrid: number;
  /** 0 = not set (keepalived derives it from the state). */
  priority: number;
  version?: 2 | 3;
  family?: AddressFamily;
  /** advert_int in microseconds; 0 = not set. */
  advertUs: number;
  vips: IpAddressConfig[];
  evips: IpAddressConfig[];
  routes: IpRouteConfig[];
  rules: IpRouteConfig[];
  trackInterfaces: TrackRefConfig[];
  trackScripts: TrackRefConfig[];
  trackFiles: TrackRefConfig[];
  trackProcesses: TrackRefConfig[];
  trackBfds: TrackRefConfig[];
  dontTrackPrimary: boolean;
  sourceAddress?: string;
  unicastConfigured: boolean;
  unicastPeers: UnicastPeerConfig[];
  mcastDst?: string;
  ttl?: number;
  checkUnicastSrc: boolean;
  unicastFaultNoPeer: boolean;
  trackSrcIp: boolean;
  authType?: 'PASS' | 'AH';
  /** Where the keywords Tandem warns about once the instance is complete were written (unsupported.ts). */
  authTypeLoc?: SourceLoc;
  unicastFaultNoPeerLoc?: SourceLoc;
  trackSrcIpLoc?: SourceLoc;
  authPass: string;
  nopreempt: boolean;
  preemptDelayUs: number;
  garpMasterDelayMs: number;
  garpMasterRepeat: number;
  garpMasterRefreshMs: number;
  garpMasterRefreshRepeat: number;
  garpLowerPrioDelayMs?: number;
  garpLowerPrioRepeat?: number;
  downTimerAdverts: number;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  strictMode?: boolean;
  accept?: boolean;
  skipCheckAdvAddr: boolean;
  promoteSecondaries: boolean;
  smtpAlert?: boolean;
  notifyPriorityChanges?: boolean;
  vmac?: { -readonly [K in keyof VmacConfig]: VmacConfig[K] } & { enabled: boolean; nameSet: boolean };
  notify: { -readonly [K in keyof NotifyConfig]: NotifyConfig[K] };
  syncGroup?: string;
}
