/**
 * The timing, mode and VMAC keywords of a vrrp_instance (keepalived vrrp_parser.c: garp_*,
 * down_timer_adverts, lower_prio_no_advert, strict_mode, accept, use_vmac, ...), split from
 * vrrp-instance.ts to keep files small. Same checks and messages as keepalived's handlers.
 */
import type { Directive } from '../../directive.js';
import type { KaContext } from './context.js';
import type { InstanceDraft } from './instance-draft.js';
import { priorityNotifyNotSupported, vmacNotSupported } from './unsupported.js';

function unsupported(ctx: KaContext, d: Directive): void {
  ctx.tandem('TANDEM_KA_UNSUPPORTED', `${d.name} is accepted but has no effect in Tandem yet`, d.loc);
}

/** Applies one option keyword to the draft; false when the keyword is not one of these. */
export function adaptInstanceOption(ctx: KaContext, v: InstanceDraft, d: Directive): boolean {
  const a1 = d.args[0];
  const optBool = (set: (b: boolean) => void, label = d.name): void => {
    if (a1 === undefined) {
      set(true);
      return;
    }
    const b = ctx.bool(a1);
    if (b === undefined) ctx.error(`(${v.name}) invalid ${label} ${a1.text} specified`, d.loc);
    else set(b);
  };
  const uint = (min: number, max: number, msg: (s: string) => string, set: (n: number) => void): void => {
    const w = ctx.arg(d, 1);
    if (w === undefined) return;
    const n = ctx.unsigned(w, min, max);
    if (n === undefined) ctx.error(msg(w.text), d.loc);
    else set(n);
    ctx.extraWords(d, 1);
  };
  switch (d.name) {
    case 'garp_master_delay':
      uint(
        0,
        4294,
        (s) => `(${v.name}): garp_master_delay '${s}' invalid - ignoring`,
        (n) => (v.garpMasterDelayMs = n * 1000),
      );
      break;
    case 'garp_master_refresh':
      uint(
        0,
        4294967295,
        (s) => `(${v.name}): Invalid garp_master_refresh '${s}' - ignoring`,
        (n) => (v.garpMasterRefreshMs = n * 1000),
      );
      break;
    case 'garp_master_repeat':
    case 'garp_master_refresh_repeat':
      uint(
        0,
        4294967295,
        (s) => `(${v.name}): ${d.name} '${s}' invalid - ignoring`,
        (n) => {
          if (n === 0) ctx.error(`(${v.name}): ${d.name} must be greater than 0, setting to 1`, d.loc);
          if (d.name === 'garp_master_repeat') v.garpMasterRepeat = Math.max(1, n);
          else v.garpMasterRefreshRepeat = Math.max(1, n);
        },
      );
      break;
    case 'garp_lower_prio_delay':
      uint(
        0,
        4294,
        (s) => `(${v.name}): garp_lower_prio_delay '${s}' invalid - ignoring`,
        (n) => (v.garpLowerPrioDelayMs = n * 1000),
      );
      break;
    case 'garp_lower_prio_repeat':
      uint(
        0,
        2147483647,
        (s) => `(${v.name}): Invalid garp_lower_prio_repeat '${s}'`,
        (n) => (v.garpLowerPrioRepeat = n),
      );
      break;
    case 'down_timer_adverts':
      uint(
        1,
        100,
        (s) => `(${v.name}): Invalid down_timer_adverts [1:100] '${s}'`,
        (n) => (v.downTimerAdverts = n),
      );
      break;
    case 'lower_prio_no_advert':
      optBool((b) => (v.lowerPrioNoAdvert = b));
      break;
    case 'higher_prio_send_advert':
      optBool((b) => (v.higherPrioSendAdvert = b));
      break;
    case 'strict_mode':
      optBool((b) => (v.strictMode = b));
      break;
    case 'skip_check_adv_addr':
      // keepalived 2.2.7 quirk: any valid boolean, even `off`, turns it on.
      optBool(() => (v.skipCheckAdvAddr = true));
      break;
    case 'accept':
      v.accept = true;
      break;
    case 'no_accept':
      v.accept = false;
      break;
    case 'promote_secondaries':
      v.promoteSecondaries = true;
      break;
    case 'smtp_alert':
      if (a1 !== undefined && ctx.bool(a1) === undefined)
        ctx.error(`Invalid vrrp_instance smtp_alert parameter ${a1.text}`, d.loc);
      else v.smtpAlert = a1 === undefined ? true : (ctx.bool(a1) ?? true);
      break;
    case 'notify_priority_changes':
      optBool((b) => {
        v.notifyPriorityChanges = b;
        if (b) priorityNotifyNotSupported(ctx, d.name, d.loc);
      }, 'value');
      break;
    case 'use_vmac': {
      v.vmac ??= { enabled: true, nameSet: false, ifname: '', xmitBase: false, useVmacAddr: false };
      for (const w of d.args.slice(0, 2)) {
        if (w.text.includes(':')) v.vmac.mac = w.text;
        else {
          v.vmac.ifname = w.text;
          v.vmac.nameSet = true;
        }
      }
      vmacNotSupported(ctx, d.name, d.loc);
      break;
    }
    case 'vmac_xmit_base':
      v.vmac ??= { enabled: false, nameSet: false, ifname: '', xmitBase: false, useVmacAddr: false };
      v.vmac.xmitBase = true;
      vmacNotSupported(ctx, d.name, d.loc);
      break;
    case 'use_vmac_addr':
      v.vmac ??= { enabled: false, nameSet: false, ifname: '', xmitBase: false, useVmacAddr: false };
      v.vmac.useVmacAddr = true;
      vmacNotSupported(ctx, d.name, d.loc);
      break;
    case 'native_ipv6':
      if (v.family === 'inet') ctx.error(`(${v.name}) Cannot specify native_ipv6 with IPv4 addresses`, d.loc);
      else {
        v.family = 'inet6';
        v.version = 3;
      }
      break;
    case 'debug':
      // Accepted for compatibility; keepalived itself ignores the value.
      uint(
        0,
        4,
        (s) => `(${v.name}) Debug value '${s}' not valid; must be between 0-4`,
        () => undefined,
      );
      break;
    case 'kernel_rx_buf_size': {
      const ok =
        d.args.length === 1 && a1 !== undefined && /^\d+$/.test(a1.text) && Number(a1.text) <= 4294967295;
      if (!ok) ctx.error(`(${v.name}) invalid kernel_rx_buf_size specified`, d.loc);
      unsupported(ctx, d);
      break;
    }
    case 'linkbeat_use_polling':
      ctx.error(
        `(${v.name}) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block`,
        d.loc,
      );
      break;
    case 'old_unicast_checksum':
      // Counts as a unicast keyword (keepalived sets VRRP_FLAG_UNICAST_CONFIGURED).
      v.unicastConfigured = true;
      if (a1 !== undefined && a1.text !== 'never') {
        ctx.error(`(${v.name}) Unknown old_unicast_chksum mode ${a1.text} - ignoring`, d.loc);
      }
      unsupported(ctx, d);
      break;
    case 'garp_extra_if':
    case 'vmac_garp_intvl': {
      if (d.name === 'vmac_garp_intvl') {
        ctx.report('warning', 'Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"', d.loc);
      }
      let time = false;
      let bad = false;
      for (const w of d.args) {
        if (w.text === 'all') continue;
        if (ctx.unsigned(w, 0, 86400) === undefined) {
          ctx.error(`(${v.name}): ${d.name} '${w.text}' invalid - ignoring`, d.loc);
          bad = true;
          break;
        }
        time = true;
      }
      if (!bad && !time) ctx.error(`(${v.name}): ${d.name} specified without time - ignoring`, d.loc);
      unsupported(ctx, d);
      break;
    }
    case 'use_ipvlan':
      vmacNotSupported(ctx, d.name, d.loc);
      break;
    case 'vrf':
      unsupported(ctx, d);
      break;
    case 'lvs_sync_daemon_interface':
      ctx.error(`(${v.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`, d.loc);
      // keepalived's second line, indented under the first.
      ctx.error(
        `      ${' '.repeat(Math.max(0, v.name.length - 2))}Please use global lvs_sync_daemon`,
        d.loc,
      );
      break;
    default:
      return false;
  }
  return true;
}
