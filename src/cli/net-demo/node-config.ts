import { adverIntUs, masterDownUs, skewUs } from '../../../plugins/vrrp/timers.js';
import type { DemoNode } from './topology.js';

/** The VRRP timing the demo runs with: VRRPv3 adverts every 100 ms (RFC 5798 centiseconds). */
export const demoVrrp = { version: 3, advertIntS: 0.1, vrid: 51 } as const;

/** The advert interval in µs, as the VRRP plugin derives it from `advert_int`. */
const adverUs = adverIntUs(demoVrrp.version, demoVrrp.advertIntS * 1000);

/**
 * Master_Down_Interval in ms for a backup of `priority`: 3 × Master_Adver_Interval + Skew_Time
 * (RFC 5798 §6.1), in keepalived's integer arithmetic, from the VRRP plugin's own timer code.
 */
export function masterDownIntervalMs(priority: number): number {
  return masterDownUs(demoVrrp.version, priority, adverUs) / 1000;
}

/**
 * Skew_Time in ms: how long a backup waits after the master's priority-0 advert (a graceful stop)
 * before it takes over (RFC 5798 §6.4.2).
 */
export function skewTimeMs(priority: number): number {
  return skewUs(demoVrrp.version, priority, adverUs) / 1000;
}

/**
 * keepalived.conf for one node: examples/http-pair/keepalived-lbN.conf with two changes a
 * sub-second failover needs. VRRPv3 allows `advert_int 0.1` (v2 counts whole seconds, which makes
 * Master_Down_Interval 3.6 s); v3 has no authentication (RFC 5798 §9 removed it), so the PASS block
 * goes. The same file runs under keepalived 2.2 unchanged.
 */
export function keepalivedConf(node: DemoNode, vip: string): string {
  return `# Written by npm run demo from examples/http-pair/keepalived-${node.name}.conf:
# VRRPv3 at 100 ms adverts (v3 has no PASS authentication).
global_defs {
    router_id ${node.name}
}

vrrp_instance VI_WEB {
    state ${node.priority > 100 ? 'MASTER' : 'BACKUP'}
    interface eth0
    virtual_router_id ${demoVrrp.vrid}
    version ${demoVrrp.version}
    priority ${node.priority}
    advert_int ${demoVrrp.advertIntS}
    virtual_ipaddress {
        ${vip}/24 dev eth0 label eth0:web
    }
}
`;
}
