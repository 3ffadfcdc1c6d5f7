import { Counter, Gauge, type Registry } from 'prom-client';
import {
  VRRP_STATE_NUMBER,
  type StatusSource,
  type VrrpInstanceStatus,
  type VrrpStats,
} from '../status-source.js';

/**
 * The counters mehdy/keepalived-exporter publishes per instance, with the keepalived stats field
 * each one reads (`internal/collector/collector.go`; reference/performance.md §3.1).
 */
export const KEEPALIVED_COUNTERS: readonly (readonly [string, keyof VrrpStats, string])[] = [
  ['keepalived_advertisements_received_total', 'advert_rcvd', 'Advertisements received'],
  ['keepalived_advertisements_sent_total', 'advert_sent', 'Advertisements sent'],
  ['keepalived_become_master_total', 'become_master', 'Became master'],
  ['keepalived_release_master_total', 'release_master', 'Released master'],
  ['keepalived_packet_length_errors_total', 'packet_len_err', 'Packet length errors'],
  ['keepalived_advertisements_interval_errors_total', 'advert_interval_err', 'Advertisement interval errors'],
  ['keepalived_ip_ttl_errors_total', 'ip_ttl_err', 'TTL errors'],
  ['keepalived_invalid_type_received_total', 'invalid_type_rcvd', 'Invalid type errors'],
  ['keepalived_address_list_errors_total', 'addr_list_err', 'Address list errors'],
  ['keepalived_authentication_invalid_total', 'invalid_authtype', 'Authentication invalid'],
  ['keepalived_authentication_mismatch_total', 'authtype_mismatch', 'Authentication mismatch'],
  ['keepalived_authentication_failure_total', 'auth_failure', 'Authentication failure'],
  ['keepalived_priority_zero_received_total', 'pri_zero_rcvd', 'Priority zero received'],
  ['keepalived_priority_zero_sent_total', 'pri_zero_sent', 'Priority zero sent'],
];

type CommonLabel = 'iname' | 'intf' | 'vrid';
type VipLabel = CommonLabel | 'ip_address';

function common(i: VrrpInstanceStatus): Record<CommonLabel, string> {
  return { iname: i.name, intf: i.interface, vrid: String(i.vrid) };
}

/**
 * Registers the `keepalived_*` set exactly as mehdy/keepalived-exporter names and labels it, read
 * from the StatusSource at scrape time, so Grafana dashboards and alerts written for
 * keepalived + exporter keep working. `keepalived_exporter_check_script_status` is not emitted: the
 * exporter emits it only when run with its own `--ka.check-script`.
 */
export function registerKeepalivedCompat(registry: Registry, source: () => StatusSource): void {
  const registers = [registry];
  new Gauge({
    name: 'keepalived_up',
    help: 'Status',
    registers,
    collect() {
      this.set(1);
    },
  });
  // One series per VIP, `intf` being the VIP's device and `ip_address` the address as keepalived
  // prints it (with its prefix); an instance without VIPs gets one series with ip_address "" (the
  // exporter does the same "to support old keepalived release").
  const vipState = (name: string, help: string, excluded: boolean) =>
    new Gauge<VipLabel>({
      name,
      help,
      labelNames: ['iname', 'intf', 'vrid', 'ip_address'],
      registers,
      collect() {
        this.reset();
        for (const i of source().vrrp()) {
          const state = VRRP_STATE_NUMBER[i.state];
          const vips = excluded ? i.excludedVips : i.vips;
          for (const v of vips)
            this.set(
              { iname: i.name, intf: v.interface, vrid: String(i.vrid), ip_address: v.address },
              state,
            );
          if (!excluded && vips.length === 0) this.set({ ...common(i), ip_address: '' }, state);
        }
      },
    });
  vipState('keepalived_vrrp_state', 'State of vrrp', false);
  vipState('keepalived_vrrp_excluded_state', 'State of vrrp with excluded VIP', true);
  const counter = (name: string, help: string, value: (i: VrrpInstanceStatus) => number) =>
    new Counter<CommonLabel>({
      name,
      help,
      labelNames: ['iname', 'intf', 'vrid'],
      registers,
      collect() {
        this.reset();
        for (const i of source().vrrp()) this.inc(common(i), value(i));
      },
    });
  for (const [name, key, help] of KEEPALIVED_COUNTERS) counter(name, help, (i) => i.stats[key]);
  counter('keepalived_gratuitous_arp_delay_total', 'Gratuitous ARP delay', (i) => i.garpDelay);
  // Scripts: status BAD 0 / GOOD 1, state idle 0 / running 1 (the exporter's VRRPScriptStatuses/States).
  const scripts = () => {
    const seen = new Map<string, { up: boolean; running: boolean }>();
    for (const i of source().vrrp())
      for (const t of i.trackers)
        if (t.kind === 'script') seen.set(t.name, { up: t.up, running: t.running === true });
    return seen;
  };
  new Gauge<'name'>({
    name: 'keepalived_script_status',
    help: 'Tracker Script Status',
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const [name, s] of scripts()) this.set({ name }, s.up ? 1 : 0);
    },
  });
  new Gauge<'name'>({
    name: 'keepalived_script_state',
    help: 'Tracker Script State',
    labelNames: ['name'],
    registers,
    collect() {
      this.reset();
      for (const [name, s] of scripts()) this.set({ name }, s.running ? 1 : 0);
    },
  });
}
