/**
 * keepalived.conf text for the interop suite. keepalived and Tandem read the very same file, so a
 * scenario is one configuration per node whatever implementation runs it (issue 6: "reads the
 * operator's existing keepalived.conf unchanged").
 */

/** One `vrrp_instance` block. */
export interface InstanceConf {
  /** Instance name; `VI_1` by default. */
  readonly name?: string;
  readonly vrid: number;
  readonly priority: number;
  /** VRRP version (`version` in the instance). */
  readonly version: 2 | 3;
  /** `advert_int` in seconds (v3 allows 0.01 steps). */
  readonly advertInt: number;
  /** `state`; BACKUP by default (keepalived's advice, and `nopreempt` needs it). */
  readonly state?: 'MASTER' | 'BACKUP';
  readonly nopreempt?: boolean;
  /** `authentication { auth_type PASS auth_pass … }` (v2 only). */
  readonly authPass?: string;
  /** Unicast mode: `unicast_src_ip` and `unicast_peer { … }`. */
  readonly unicast?: { readonly src: string; readonly peers: readonly string[] };
  /** VIPs with their prefix, e.g. `198.51.100.100/24`. */
  readonly vips: readonly string[];
  /** The instance interface; eth0 by default. */
  readonly interface?: string;
  /** `track_script` entries: script name and optional weight override. */
  readonly trackScripts?: readonly { readonly name: string; readonly weight?: number }[];
}

/** One `vrrp_script` block. */
export interface ScriptConf {
  readonly name: string;
  /** The command line (keepalived splits it itself; no shell). */
  readonly script: string;
  /** Seconds between runs. */
  readonly interval: number;
  readonly weight?: number;
  readonly fall?: number;
  readonly rise?: number;
}

/** A whole keepalived.conf for one node. */
export interface NodeConf {
  readonly instances: readonly InstanceConf[];
  readonly scripts?: readonly ScriptConf[];
}

function instanceBlock(i: InstanceConf): string {
  const lines = [
    `vrrp_instance ${i.name ?? 'VI_1'} {`,
    `  state ${i.state ?? 'BACKUP'}`,
    `  interface ${i.interface ?? 'eth0'}`,
    `  virtual_router_id ${i.vrid}`,
    `  version ${i.version}`,
    `  priority ${i.priority}`,
    `  advert_int ${i.advertInt}`,
  ];
  if (i.nopreempt === true) lines.push('  nopreempt');
  if (i.authPass !== undefined)
    lines.push('  authentication {', '    auth_type PASS', `    auth_pass ${i.authPass}`, '  }');
  if (i.unicast !== undefined) {
    lines.push(`  unicast_src_ip ${i.unicast.src}`, '  unicast_peer {');
    for (const p of i.unicast.peers) lines.push(`    ${p}`);
    lines.push('  }');
  }
  lines.push('  virtual_ipaddress {', ...i.vips.map((v) => `    ${v}`), '  }');
  if (i.trackScripts !== undefined && i.trackScripts.length > 0) {
    lines.push('  track_script {');
    for (const s of i.trackScripts)
      lines.push(`    ${s.name}${s.weight === undefined ? '' : ` weight ${s.weight}`}`);
    lines.push('  }');
  }
  lines.push('}');
  return lines.join('\n');
}

function scriptBlock(s: ScriptConf): string {
  const lines = [`vrrp_script ${s.name} {`, `  script "${s.script}"`, `  interval ${s.interval}`];
  if (s.weight !== undefined) lines.push(`  weight ${s.weight}`);
  if (s.fall !== undefined) lines.push(`  fall ${s.fall}`);
  if (s.rise !== undefined) lines.push(`  rise ${s.rise}`);
  lines.push('}');
  return lines.join('\n');
}

/**
 * Renders a keepalived.conf. `script_user root` avoids keepalived's "default user
 * 'keepalived_script' … does not exist" warning, so both daemons run scripts as root alike.
 */
export function keepalivedConf(conf: NodeConf): string {
  const parts: string[] = [];
  if (conf.scripts !== undefined && conf.scripts.length > 0) {
    parts.push('global_defs {\n  script_user root\n}');
    parts.push(...conf.scripts.map(scriptBlock));
  }
  parts.push(...conf.instances.map(instanceBlock));
  return `${parts.join('\n\n')}\n`;
}

/**
 * Master_Down_Interval in ms as keepalived computes it (vrrp.md §1.5): 3 × interval + skew, where the
 * skew is (256 − p)/256 s for v2 and (256 − p) × interval/256 for v3.
 */
export function masterDownMs(version: 2 | 3, advertIntS: number, priority: number): number {
  return 3 * advertIntS * 1000 + skewMs(version, advertIntS, priority);
}

/** Skew_Time in ms (vrrp.md §1.5). */
export function skewMs(version: 2 | 3, advertIntS: number, priority: number): number {
  return version === 2 ? ((256 - priority) * 1000) / 256 : ((256 - priority) * advertIntS * 1000) / 256;
}
