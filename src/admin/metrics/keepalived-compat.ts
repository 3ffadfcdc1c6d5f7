import type { Registry } from 'prom-client';
import { registerComputed, type FamilyValue } from './computed-family.js';
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

function common(i: VrrpInstanceStatus): Record<string, string> {
  return { iname: i.name, intf: i.interface, vrid: String(i.vrid) };
}

/**
 * Registers the `keepalived_*` set exactly as mehdy/keepalived-exporter names and labels it, read
 * from the StatusSource at scrape time, so Grafana dashboards and alerts written for
 * keepalived + exporter keep working. `keepalived_exporter_check_script_status` is not emitted: the
 * exporter emits it only when run with its own `--ka.check-script`.
 */
export function registerKeepalivedCompat(registry: Registry, source: () => StatusSource): void {
  const reg = (name: string, help: string, type: 'counter' | 'gauge', values: () => FamilyValue[]) => {
    registerComputed(registry, name, help, type, values);
  };
  reg('keepalived_up', 'Status', 'gauge', () => [{ labels: {}, value: 1 }]);
  // One series per VIP, `intf` being the VIP's device and `ip_address` the address as keepalived
  // prints it (with its prefix); an instance without VIPs gets one series with ip_address "" (the
  // exporter does the same "to support old keepalived release").
  const vipState = (excluded: boolean) => () => {
    const out: FamilyValue[] = [];
    for (const i of source().vrrp()) {
      const value = VRRP_STATE_NUMBER[i.state];
      const vips = excluded ? i.excludedVips : i.vips;
      const vrid = String(i.vrid);
      for (const v of vips)
        out.push({ labels: { iname: i.name, intf: v.interface, vrid, ip_address: v.address }, value });
      if (!excluded && vips.length === 0) out.push({ labels: { ...common(i), ip_address: '' }, value });
    }
    return out;
  };
  reg('keepalived_vrrp_state', 'State of vrrp', 'gauge', vipState(false));
  reg('keepalived_vrrp_excluded_state', 'State of vrrp with excluded VIP', 'gauge', vipState(true));
  const perInstance = (value: (i: VrrpInstanceStatus) => number) => () =>
    source()
      .vrrp()
      .map((i) => ({ labels: common(i), value: value(i) }));
  for (const [name, key, help] of KEEPALIVED_COUNTERS)
    reg(
      name,
      help,
      'counter',
      perInstance((i) => i.stats[key]),
    );
  reg(
    'keepalived_gratuitous_arp_delay_total',
    'Gratuitous ARP delay',
    'counter',
    perInstance((i) => i.garpDelay),
  );
  // Scripts: status BAD 0 / GOOD 1, state idle 0 / running 1 (the exporter's VRRPScriptStatuses/States).
  const scripts = (value: (up: boolean, running: boolean) => number) => () => {
    const seen = new Map<string, FamilyValue>();
    for (const i of source().vrrp())
      for (const t of i.trackers)
        if (t.kind === 'script')
          seen.set(t.name, { labels: { name: t.name }, value: value(t.up, t.running === true) });
    return [...seen.values()];
  };
  reg(
    'keepalived_script_status',
    'Tracker Script Status',
    'gauge',
    scripts((up) => (up ? 1 : 0)),
  );
  reg(
    'keepalived_script_state',
    'Tracker Script State',
    'gauge',
    scripts((_up, running) => (running ? 1 : 0)),
  );
}
