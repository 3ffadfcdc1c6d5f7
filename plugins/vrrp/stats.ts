/**
 * Per-instance counters with keepalived's meanings (`vrrp_stats`, SIGUSR2 `/tmp/keepalived.stats`), so the
 * status API and metrics can show what operators know from keepalived.
 */

/** The counters of one instance. */
export interface VrrpStats {
  /** Adverts that passed the header checks (keepalived counts before the VIP list check). */
  readonly advertRcvd: number;
  readonly advertSent: number;
  readonly becomeMaster: number;
  readonly releaseMaster: number;
  readonly packetLenErr: number;
  readonly ipTtlErr: number;
  readonly invalidTypeRcvd: number;
  readonly addrListErr: number;
  readonly invalidAuthtype: number;
  readonly authtypeMismatch: number;
  readonly authFailure: number;
  readonly priZeroRcvd: number;
  readonly priZeroSent: number;
  /** Checksum errors (keepalived's SNMP `chk_err`). */
  readonly chkErr: number;
  /** Version errors (keepalived's SNMP `vers_err`). */
  readonly versErr: number;
}

/** A counter name of {@link VrrpStats}. */
export type VrrpCounter = keyof VrrpStats;

/** All counters at zero. */
export function emptyStats(): VrrpStats {
  return {
    advertRcvd: 0,
    advertSent: 0,
    becomeMaster: 0,
    releaseMaster: 0,
    packetLenErr: 0,
    ipTtlErr: 0,
    invalidTypeRcvd: 0,
    addrListErr: 0,
    invalidAuthtype: 0,
    authtypeMismatch: 0,
    authFailure: 0,
    priZeroRcvd: 0,
    priZeroSent: 0,
    chkErr: 0,
    versErr: 0,
  };
}
