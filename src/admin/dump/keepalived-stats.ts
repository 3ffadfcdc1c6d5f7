import type { VrrpInstanceStatus } from '../status-source.js';

/**
 * keepalived's SIGUSR2 stats dump (`/tmp/keepalived.stats`, `vrrp_print.c` vrrp_print_stats), byte
 * for byte the layout keepalived 2.2.7 writes and mehdy/keepalived-exporter parses: sections ending
 * in `:` at two spaces, their counters at four.
 */
export function formatKeepalivedStats(instances: readonly VrrpInstanceStatus[]): string {
  let out = '';
  for (const { name, stats: s } of instances) {
    out +=
      `VRRP Instance: ${name}\n` +
      `  Advertisements:\n` +
      `    Received: ${s.advert_rcvd}\n` +
      `    Sent: ${s.advert_sent}\n` +
      `  Became master: ${s.become_master}\n` +
      `  Released master: ${s.release_master}\n` +
      `  Packet Errors:\n` +
      `    Length: ${s.packet_len_err}\n` +
      `    TTL: ${s.ip_ttl_err}\n` +
      `    Invalid Type: ${s.invalid_type_rcvd}\n` +
      `    Advertisement Interval: ${s.advert_interval_err}\n` +
      `    Address List: ${s.addr_list_err}\n` +
      `  Authentication Errors:\n` +
      `    Invalid Type: ${s.invalid_authtype}\n` +
      `    Type Mismatch: ${s.authtype_mismatch}\n` +
      `    Failure: ${s.auth_failure}\n` +
      `  Priority Zero:\n` +
      `    Received: ${s.pri_zero_rcvd}\n` +
      `    Sent: ${s.pri_zero_sent}\n`;
  }
  return out;
}
