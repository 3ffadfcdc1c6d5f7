import { VRRP_STATE_NUMBER, type VrrpInstanceStatus } from '../status-source.js';
import { vipLine } from './keepalived-data.js';

const AUTH_TYPE = { none: 0, pass: 1, ah: 2 } as const;

/**
 * keepalived's JSON dump (`/tmp/keepalived.json`, `vrrp_json.c`): an array of `{data, stats}` with
 * keepalived's field names, the subset Tandem knows. `auth_data` (the password, which keepalived
 * writes in clear) is left out on purpose.
 */
export function formatKeepalivedJson(instances: readonly VrrpInstanceStatus[]): string {
  const out = instances.map((i) => ({
    data: {
      iname: i.name,
      ifp_ifname: i.interface,
      master_priority: i.masterPriority,
      last_transition: i.lastTransition === null ? 0 : i.lastTransition / 1000,
      garp_delay: i.garpDelay,
      vrid: i.vrid,
      base_priority: i.basePriority,
      effective_priority: i.effectivePriority,
      vipset: i.vips.some((v) => v.installed),
      // keepalived reports the interval in seconds (a fraction for v3 centisecond intervals).
      adver_int: i.advertIntervalMs / 1000,
      nopreempt: !i.preempt,
      state: VRRP_STATE_NUMBER[i.state],
      wantstate: VRRP_STATE_NUMBER[i.wantState],
      version: i.version,
      vips: i.vips.map(vipLine),
      evips: i.excludedVips.map(vipLine),
      track_script: i.trackers.filter((t) => t.kind === 'script').map((t) => t.name),
      auth_type: AUTH_TYPE[i.authType],
    },
    stats: { ...i.stats },
  }));
  return `${JSON.stringify(out)}\n`;
}
