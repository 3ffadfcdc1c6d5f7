/**
 * Tandem-only warnings (`TANDEM_KA_UNSUPPORTED`) for keepalived.conf keywords that keepalived 2.2.7
 * accepts and acts on but Tandem's VRRP engine does not. Each says what Tandem does instead, at the
 * keyword; none changes the `-t` exit code (keepalived accepts them all), so `tandem -t` keeps
 * agreeing with `keepalived -t`. Keywords whose substitute behaviour would be unsafe (adverts
 * without the configured authentication, a VIP held where keepalived holds FAULT) also stop the
 * VRRP service from starting: see plugins/vrrp/service/unsafe-config.ts.
 */
import type { VrrpInstanceConfig } from '../../model/keepalived.js';
import type { SourceLoc } from '../../source-loc.js';
import type { KaContext } from './context.js';
import type { InstanceDraft } from './instance-draft.js';

/** Reports `keyword` as accepted but not acted on; `instead` says what Tandem does in its place. */
export function notSupported(ctx: KaContext, keyword: string, instead: string, loc?: SourceLoc): void {
  ctx.tandem('TANDEM_KA_UNSUPPORTED', `${keyword} is not supported: ${instead}`, loc);
}

/** What Tandem does for the VMAC / ipvlan keywords of a vrrp_instance (vrrp_vmac.c is not reproduced). */
export function vmacNotSupported(ctx: KaContext, keyword: string, loc?: SourceLoc): void {
  const kind = keyword === 'use_ipvlan' ? 'ipvlan' : 'VMAC';
  notSupported(
    ctx,
    keyword,
    `Tandem creates no ${kind} interface; adverts and gratuitous ARPs carry the interface's own MAC address and the VIPs are added on the interface itself`,
    loc,
  );
}

/** `use_vmac` on a virtual_ipaddress line: the address goes on its `dev` (or the instance interface). */
export function vipVmacNotSupported(ctx: KaContext, loc?: SourceLoc): void {
  notSupported(
    ctx,
    'use_vmac',
    'Tandem creates no VMAC interface; this address is added on its interface itself',
    loc,
  );
}

/** `notify_priority_changes` / `vrrp_notify_priority_changes` set to true (vrrp_notify.c l.343). */
export function priorityNotifyNotSupported(ctx: KaContext, keyword: string, loc?: SourceLoc): void {
  notSupported(
    ctx,
    keyword,
    'no MASTER_PRIORITY_CHANGE / BACKUP_PRIORITY_CHANGE lines are written to the notify FIFO when the effective priority changes',
    loc,
  );
}

/** The warning text for `auth_type AH` (also quoted by the VRRP service when it refuses to start). */
export const AH_NOT_SUPPORTED =
  'Tandem refuses to start or reload with it, as its adverts would be sent and accepted without authentication; use auth_type PASS, or no authentication, on both nodes';

/** The warning text for `unicast_fault_no_peer` on an instance without unicast peers. */
export const FAULT_NO_PEER_NOT_SUPPORTED =
  'keepalived holds an instance without unicast peers in FAULT, Tandem would run it with multicast, so Tandem refuses to start or reload with it; add the unicast_peer block or remove the instance';

/**
 * The keywords whose effect is known only once the instance is complete (keepalived drops AH with
 * v3, strict mode or IPv6, and track_src_ip without a configured source; unicast_fault_no_peer only
 * matters without peers): warned about when they survive into the model `out`.
 */
export function warnUnsupportedEffects(ctx: KaContext, v: InstanceDraft, out: VrrpInstanceConfig): void {
  if (out.authentication?.type === 'AH') notSupported(ctx, 'auth_type AH', AH_NOT_SUPPORTED, v.authTypeLoc);
  if (out.unicastFaultNoPeer && v.unicastConfigured && v.unicastPeers.length === 0)
    notSupported(ctx, 'unicast_fault_no_peer', FAULT_NO_PEER_NOT_SUPPORTED, v.unicastFaultNoPeerLoc);
  if (out.trackSrcIp)
    notSupported(
      ctx,
      'track_src_ip',
      `the instance does not go to FAULT if ${out.sourceAddress ?? 'its source address'} is removed from its interface; it keeps advertising`,
      v.trackSrcIpLoc,
    );
}
