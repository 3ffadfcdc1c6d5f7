/**
 * `global_defs { }` (keepalived core/global_parser.c, defaults global_data.c `set_vrrp_defaults`):
 * the VRRP-relevant keywords are read with keepalived's checks; every other keyword keepalived
 * knows is kept as words; an unknown one is `Unknown keyword 'X'`.
 */
import type { Directive } from '../../directive.js';
import type { GlobalDefsConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';
import { parseIp } from './address.js';
import { notSupported, priorityNotifyNotSupported } from './unsupported.js';

/** Keywords here that take a { } block; any other keyword followed by one gets keepalived's `Unexpected '{'`. */
const GLOBAL_BLOCKS = new Set(['notification_email']);

/** global_defs as the adapters build it; readonly once the file is read. */
export type GlobalState = { -readonly [K in keyof GlobalDefsConfig]: GlobalDefsConfig[K] } & {
  other: Record<string, string[]>;
};

/** keepalived's VRRP defaults (global_data.c). */
export function defaultGlobals(): GlobalState {
  return {
    notificationEmail: [],
    smtpConnectTimeoutS: 30,
    smtpAlert: false,
    mcastGroup4: '224.0.0.18',
    mcastGroup6: 'ff02::12',
    vrrpVersion: 2,
    garpMasterDelayMs: 5000,
    garpMasterRepeat: 5,
    garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1,
    garpIntervalUs: 0,
    gnaIntervalUs: 0,
    minGarp: false,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    strict: false,
    skipCheckAdvAddr: false,
    checkUnicastSrc: false,
    enableScriptSecurity: false,
    startupDelayMs: 0,
    defaultInterface: 'eth0',
    notifyPriorityChanges: false,
    vmacPrefix: 'vrrp',
    dynamicInterfaces: false,
    other: {},
  };
}

/** global_defs keywords keepalived 2.2.7 accepts that Tandem keeps without acting on them. */
const OTHER = new Set(
  (
    'linkbeat_use_polling net_namespace net_namespace_ipvs namespace_with_ipsets use_pid_dir instance child_wait_time ' +
    'process_names process_name vrrp_process_name checker_process_name lvs_process_name bfd_process_name smtp_helo_name ' +
    'startup_script startup_script_timeout shutdown_script shutdown_script_timeout max_auto_priority min_auto_priority_delay ' +
    'smtp_alert_vrrp smtp_alert_checker checker_log_all_failures no_email_faults disable_local_igmp lvs_timeouts lvs_flush ' +
    'lvs_flush_on_stop lvs_flush_onstop lvs_sync_daemon vrrp_garp_extra_if vrrp_vmac_garp_intvl vrrp_iptables vrrp_ipsets ' +
    'nftables nftables_priority nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark ' +
    'nftables_counters vrrp_priority vrrp_no_swap vrrp_rt_priority vrrp_cpu_affinity vrrp_rlimit_rttime vrrp_rlimit_rtime ' +
    'notify_fifo_script vrrp_notify_fifo_script fifo_write_vrrp_states_on_reload lvs_notify_fifo lvs_notify_fifo_script ' +
    'checker_priority checker_no_swap checker_rt_priority checker_cpu_affinity checker_rlimit_rttime checker_rlimit_rtime ' +
    'bfd_priority bfd_no_swap bfd_rt_priority bfd_cpu_affinity bfd_rlimit_rttime bfd_rlimit_rtime snmp_socket enable_traps ' +
    'enable_snmp_vrrp enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_checker ' +
    'enable_dbus dbus_service_name vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force ' +
    'vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs ' +
    'process_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs ' +
    'lvs_netlink_monitor_rcv_bufs_force rs_init_notifies no_checker_emails vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier ' +
    'log_unknown_vrids vmac_addr_prefix umask random_seed reload_check_config reload_time_file reload_repeat reload_file ' +
    'include_check config_save_dir tmp_config_directory data_use_instance'
  ).split(' '),
);

/** IN_MULTICAST / IN6_IS_ADDR_MULTICAST. */
function isMulticast(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

/** Reads one `global_defs` block into `g`. */
export function adaptGlobalDefs(ctx: KaContext, block: readonly Directive[], g: GlobalState): void {
  for (const d of block) {
    if (!GLOBAL_BLOCKS.has(d.name)) ctx.strayBlock(d);
    else ctx.valueBlockArgs(d);
    const a1 = d.args[0];
    const secs = (label: string, set: (ms: number) => void): void => {
      const w = ctx.arg(d, 1);
      if (w === undefined) return;
      const v = ctx.unsigned(w, 0, Math.floor(4294967295 / 1000000));
      if (v === undefined) ctx.error(`${label} '${w.text}' invalid - ignoring`, d.loc);
      else set(v * 1000);
      ctx.extraWords(d, 1);
    };
    const repeat = (label: string, set: (n: number) => void): void => {
      const w = ctx.arg(d, 1);
      if (w === undefined) return;
      const v = ctx.unsigned(w, 0, 4294967295);
      if (v === undefined) ctx.error(`${label} '${w.text}' invalid - ignoring`, d.loc);
      else if (v === 0) {
        ctx.error(`${label} must be greater than 0, setting to 1`, d.loc);
        set(1);
      } else set(v);
      ctx.extraWords(d, 1);
    };
    const flag = (set: (b: boolean) => void): void => {
      if (a1 === undefined) {
        set(true);
        return;
      }
      const b = ctx.bool(a1);
      if (b === undefined) ctx.error(`invalid ${d.name} ${a1.text} specified`, d.loc);
      else set(b);
    };
    switch (d.name) {
      case 'router_id':
        if (a1 === undefined) ctx.error('routerid name missing - ignoring', d.loc);
        else g.routerId = a1.text;
        ctx.extraWords(d, 1);
        break;
      case 'notification_email':
        g.notificationEmail = (d.block ?? []).flatMap((e) => [e.name, ...e.args.map((w) => w.text)]);
        break;
      case 'notification_email_from':
        if (a1 !== undefined) g.notificationEmailFrom = a1.text;
        break;
      case 'smtp_server':
        if (a1 !== undefined) g.smtpServer = d.args.map((w) => w.text).join(' ');
        break;
      case 'smtp_connect_timeout': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const v = ctx.unsigned(w, 0, 4294);
        if (v === undefined)
          ctx.error(`smtp_connect_timeout '${w.text}' must be in [0, 4294] - ignoring`, d.loc);
        else if (v === 0) ctx.error('smtp_conect_timeout must be greater than 0, setting to 1', d.loc);
        if (v !== undefined) g.smtpConnectTimeoutS = Math.max(1, v);
        break;
      }
      case 'smtp_alert':
        flag((b) => (g.smtpAlert = b));
        break;
      case 'vrrp_mcast_group4':
      case 'vrrp_mcast_group6': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const ip = parseIp(w.text);
        const want = d.name.endsWith('4') ? 'inet' : 'inet6';
        if (ip === undefined) ctx.error(`Can't parse ${d.name} [${w.text}]. Skipping`, d.loc);
        else if (ip.family !== want)
          ctx.error(`${d.name} [${w.text}] is not IPv${want === 'inet' ? 4 : 6}. Skipping`, d.loc);
        else if (!isMulticast(ip.address))
          ctx.error(`${d.name} [${w.text}] is not multicast. Skipping`, d.loc);
        else if (want === 'inet') g.mcastGroup4 = ip.address;
        else g.mcastGroup6 = ip.address;
        break;
      }
      case 'vrrp_version': {
        const w = ctx.arg(d, 1);
        const v = w === undefined ? undefined : ctx.int(w, 2, 3);
        if (w !== undefined && v === undefined) ctx.error('VRRP Error: Version must be either 2 or 3', d.loc);
        if (v === 2 || v === 3) g.vrrpVersion = v;
        break;
      }
      case 'vrrp_garp_master_delay':
        secs('vrrp_garp_master_delay', (ms) => (g.garpMasterDelayMs = ms));
        break;
      case 'vrrp_garp_master_repeat':
        repeat('vrrp_garp_master_repeat', (n) => (g.garpMasterRepeat = n));
        break;
      case 'vrrp_garp_master_refresh':
        secs('vrrp_garp_master_refresh', (ms) => (g.garpMasterRefreshMs = ms));
        break;
      case 'vrrp_garp_master_refresh_repeat':
        repeat('vrrp_garp_master_refresh_repeat', (n) => (g.garpMasterRefreshRepeat = n));
        break;
      case 'vrrp_garp_lower_prio_delay':
        secs('vrrp_garp_lower_prio_delay', (ms) => (g.garpLowerPrioDelayMs = ms));
        break;
      case 'vrrp_garp_lower_prio_repeat':
        repeat('vrrp_garp_lower_prio_repeat', (n) => (g.garpLowerPrioRepeat = n));
        break;
      case 'vrrp_garp_interval':
      case 'vrrp_gna_interval': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const v = ctx.decimal(w, 1, 4294967295, 6);
        if (v === undefined) ctx.error(`${d.name} '${w.text}' is invalid`, d.loc);
        else if (d.name === 'vrrp_garp_interval') g.garpIntervalUs = v;
        else g.gnaIntervalUs = v;
        break;
      }
      case 'vrrp_min_garp':
        flag((b) => {
          g.minGarp = b;
          if (b) {
            g.garpMasterRepeat = 1;
            g.garpMasterDelayMs = 0;
          }
        });
        break;
      case 'vrrp_lower_prio_no_advert':
        flag((b) => (g.lowerPrioNoAdvert = b));
        break;
      case 'vrrp_higher_prio_send_advert':
        flag((b) => (g.higherPrioSendAdvert = b));
        break;
      case 'vrrp_down_timer_adverts': {
        const w = ctx.arg(d, 1);
        const v = w === undefined ? undefined : ctx.unsigned(w, 1, 100);
        if (w !== undefined && v === undefined)
          ctx.error(`Invalid vrrp_down_timer_adverts [1:100] '${w.text}'`, d.loc);
        if (v !== undefined) g.downTimerAdverts = v;
        break;
      }
      case 'vrrp_priority': {
        // The VRRP process's nice value (keepalived `set_process_priority`); Tandem gives it to the
        // advert pacer. Out of -20..19: keepalived's message, and the keyword is dropped.
        const w = ctx.arg(d, 1);
        const n = w === undefined ? NaN : Number(w.text);
        if (Number.isInteger(n) && n >= -20 && n <= 19) g.other[d.name] = [String(n)];
        else ctx.error('Invalid vrrp process priority specified', d.loc);
        break;
      }
      case 'vrrp_strict':
        g.strict = true;
        ctx.extraWords(d, 0);
        break;
      case 'vrrp_skip_check_adv_addr':
        flag((b) => (g.skipCheckAdvAddr = b));
        break;
      case 'vrrp_check_unicast_src':
        g.checkUnicastSrc = true;
        break;
      case 'enable_script_security':
        g.enableScriptSecurity = true;
        ctx.extraWords(d, 0);
        break;
      case 'script_user': {
        if (a1 === undefined) {
          ctx.error('No script username specified', d.loc);
          break;
        }
        const grp = d.args[1];
        if (
          ctx.host.user(a1.text) === undefined ||
          (grp !== undefined && ctx.host.group(grp.text) === undefined)
        ) {
          ctx.error('Error setting global script uid/gid', d.loc);
          break;
        }
        g.scriptUser = a1.text;
        if (grp !== undefined) g.scriptGroup = grp.text;
        ctx.extraWords(d, 2);
        break;
      }
      case 'vrrp_startup_delay': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const v = ctx.decimal(w, 1000, 4294967295, 6);
        if (v === undefined) ctx.error(`vrrp_startup_delay '${w.text}' is invalid`, d.loc);
        else {
          g.startupDelayMs = Math.round(v / 1000);
          // vrrp_daemon.c l.618 delays the first VRRP timers; Tandem's engine starts them at once.
          notSupported(ctx, d.name, `instances start at once, without waiting ${w.text} s`, d.loc);
        }
        break;
      }
      case 'default_interface':
        if (a1 === undefined) ctx.error('default_interface requires interface name', d.loc);
        else g.defaultInterface = a1.text;
        break;
      case 'notify_fifo':
        if (a1 !== undefined) g.notifyFifo = a1.text;
        break;
      case 'vrrp_notify_fifo':
        if (a1 !== undefined) g.vrrpNotifyFifo = a1.text;
        break;
      case 'vrrp_notify_priority_changes':
        flag((b) => {
          g.notifyPriorityChanges = b;
          if (b) priorityNotifyNotSupported(ctx, d.name, d.loc);
        });
        break;
      case 'vmac_prefix':
        if (a1 !== undefined) g.vmacPrefix = a1.text;
        break;
      case 'dynamic_interfaces':
        g.dynamicInterfaces = true;
        break;
      default:
        if (OTHER.has(d.name)) {
          g.other[d.name] = d.args.map((w) => w.text);
          if (d.block !== undefined)
            g.other[d.name] = (d.block ?? []).flatMap((e) => [e.name, ...e.args.map((w) => w.text)]);
        } else ctx.unknown(d);
    }
  }
}
