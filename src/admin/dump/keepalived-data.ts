import type { SyncGroupStatus, VipStatus, VrrpInstanceStatus } from '../status-source.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A wall-clock time as keepalived's data dump prints it: `1795212594.296448 (Fri Nov 20
 * 22:09:54.296448 2026)`, seconds with microseconds, then local time (`vrrp_print.c` uses ctime).
 */
export function keepalivedTime(ms: number): string {
  const d = new Date(ms);
  const micros = pad(Math.round((ms % 1000) * 1000), 6);
  const local =
    `${DAYS[d.getDay()] ?? ''} ${MONTHS[d.getMonth()] ?? ''} ${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micros} ${d.getFullYear()}`;
  return `${Math.floor(ms / 1000)}.${micros} (${local})`;
}

/** A VIP line as keepalived prints it: `203.0.113.10/24 dev eth0 scope global set`. */
export function vipLine(v: VipStatus): string {
  return `${v.address} dev ${v.interface} scope ${v.scope ?? 'global'}${v.installed ? ' set' : ''}`;
}

const AUTH_NAMES = { none: 'none', pass: 'SIMPLE_PASSWORD', ah: 'IPSEC_AH' } as const;

function instanceLines(i: VrrpInstanceStatus): string[] {
  const out = [
    ` VRRP Instance = ${i.name}`,
    `   VRRP Version = ${i.version}`,
    `   State = ${i.state}`,
    `   Wantstate = ${i.wantState}`,
  ];
  if (i.lastTransition !== null) out.push(`   Last transition = ${keepalivedTime(i.lastTransition)}`);
  out.push(`   Interface = ${i.interface}`);
  if (i.state === 'BACKUP' && i.masterAddress !== null) {
    out.push(`   Master router = ${i.masterAddress}`, `   Master priority = ${i.masterPriority}`);
  }
  out.push(
    `   Gratuitous ARP delay = ${i.garpDelay}`,
    `   Virtual Router ID = ${i.vrid}`,
    `   Priority = ${i.basePriority}`,
    `   Effective priority = ${i.effectivePriority}`,
    `   Total priority = ${i.effectivePriority}`,
    // v2 carries whole seconds, v3 centiseconds; keepalived prints seconds or milli-seconds accordingly.
    i.version === 2
      ? `   Advert interval = ${Math.round(i.advertIntervalMs / 1000)} sec`
      : `   Advert interval = ${i.advertIntervalMs} milli-sec`,
    `   Preempt = ${i.preempt ? 'enabled' : 'disabled'}`,
    `   Authentication type = ${AUTH_NAMES[i.authType]}`,
  );
  // keepalived prints the password here; Tandem never writes a secret to a file or a response.
  if (i.authType === 'pass') out.push('   Password = ***');
  out.push(`   Virtual IP (${i.vips.length}):`, ...i.vips.map((v) => `     ${vipLine(v)}`));
  if (i.excludedVips.length > 0) {
    out.push(
      `   Virtual IP Excluded (${i.excludedVips.length}):`,
      ...i.excludedVips.map((v) => `     ${vipLine(v)}`),
    );
  }
  const scripts = i.trackers.filter((t) => t.kind === 'script');
  if (scripts.length > 0)
    out.push('   Tracked scripts :', ...scripts.map((t) => `     ${t.name} weight ${t.weight}`));
  const ifaces = i.trackers.filter((t) => t.kind === 'interface');
  if (ifaces.length > 0)
    out.push('   Tracked interfaces :', ...ifaces.map((t) => `     ${t.name} weight ${t.weight}`));
  const others = i.trackers.filter((t) => t.kind !== 'script' && t.kind !== 'interface');
  for (const t of others) out.push(`   Tracked ${t.kind} :`, `     ${t.name} weight ${t.weight}`);
  return out;
}

/**
 * The VRRP part of keepalived's SIGUSR1 data dump (`/tmp/keepalived.data`), in the layout
 * mehdy/keepalived-exporter parses: ` VRRP Instance = NAME`, three-space `Key = value` lines, VIPs
 * on five-space lines, then ` VRRP Script = NAME` blocks with `Status = GOOD|BAD` and
 * `State = idle|running` (reference/keepalived.md §6; verified against keepalived 2.2.7's own dump).
 */
export function formatKeepalivedData(
  instances: readonly VrrpInstanceStatus[],
  groups: readonly SyncGroupStatus[],
): string {
  const lines = ['------< VRRP Topology >------'];
  for (const i of instances) lines.push(...instanceLines(i));
  if (groups.length > 0) {
    lines.push('------< VRRP Sync groups >------');
    for (const g of groups) {
      lines.push(
        ` VRRP Sync Group = ${g.name}, ${g.state}`,
        `   VRRP member instances = ${g.instances.length}`,
      );
      for (const m of g.instances) lines.push(`     ${m}`);
    }
  }
  const scripts = new Map<string, { up: boolean; running: boolean; weight: number; users: string[] }>();
  for (const i of instances)
    for (const t of i.trackers) {
      if (t.kind !== 'script') continue;
      const s = scripts.get(t.name) ?? { up: t.up, running: t.running === true, weight: t.weight, users: [] };
      s.users.push(`${i.name}, weight ${t.weight}`);
      scripts.set(t.name, s);
    }
  if (scripts.size > 0) {
    lines.push('------< VRRP Scripts >------');
    for (const [name, s] of scripts) {
      lines.push(
        ` VRRP Script = ${name}`,
        `   Weight = ${s.weight}`,
        `   Status = ${s.up ? 'GOOD' : 'BAD'}`,
        '   Tracking instances :',
        ...s.users.map((u) => `     ${u}`),
        `   State = ${s.running ? 'running' : 'idle'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
