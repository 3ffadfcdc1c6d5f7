import { readFileSync } from 'node:fs';
import type { NonlocalBind } from './listen-decision.js';

function sysctlOn(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').trim() !== '0';
  } catch {
    // No such sysctl (IPv6 disabled, or a kernel before 4.3 for the IPv6 one): off.
    return false;
  }
}

/**
 * Reads `net.ipv4.ip_nonlocal_bind` and `net.ipv6.ip_nonlocal_bind`. Both are per network namespace,
 * and /proc/sys/net shows the reading process's namespace, so this is the daemon's own view.
 */
export function readNonlocalBind(root = '/proc/sys/net'): NonlocalBind {
  return {
    ipv4: sysctlOn(`${root}/ipv4/ip_nonlocal_bind`),
    ipv6: sysctlOn(`${root}/ipv6/ip_nonlocal_bind`),
  };
}
