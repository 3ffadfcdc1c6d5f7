/**
 * `vrrp_instance NAME { }` keywords (keepalived vrrp_parser.c l.2123-2213, reference §1.3): each
 * handler's checks and messages, in file order. Defaults and cross-checks that keepalived applies
 * after the whole file is read live in instance-complete.ts.
 */
import type { Directive } from '../../directive.js';
import { adaptIpAddress, parseIp } from './address.js';
import type { KaContext } from './context.js';
import type { GlobalState } from './global-defs.js';
import type { InstanceDraft } from './instance-draft.js';
import { adaptRoute, adaptRule } from './routes.js';
import { adaptNotifyScript } from './scripts.js';
import { adaptInstanceOption } from './instance-options.js';
import { unicastPeer } from './unicast.js';
import { adaptTrackList, type TrackTarget } from './track-refs.js';

/** Keywords here that take a { } block; any other keyword followed by one gets keepalived's `Unexpected '{'`. */
const INSTANCE_BLOCKS = new Set([
  'authentication',
  'virtual_ipaddress',
  'virtual_ipaddress_excluded',
  'virtual_routes',
  'virtual_rules',
  'track_interface',
  'track_script',
  'track_file',
  'track_process',
  'track_bfd',
  'unicast_peer',
]);

/** Lookups of the objects defined so far in the file. */
export interface TrackLookups {
  readonly script: (name: string) => TrackTarget | undefined;
  readonly file: (name: string) => TrackTarget | undefined;
  readonly process: (name: string) => TrackTarget | undefined;
  readonly iface: (name: string) => TrackTarget | undefined;
}

/** A new draft with keepalived's `alloc_vrrp` defaults (garp values copied from global_defs now). */
export function newDraft(name: string, loc: Directive['loc'], g: GlobalState): InstanceDraft {
  return {
    name,
    loc,
    vrid: 0,
    priority: 0,
    advertUs: 0,
    vips: [],
    evips: [],
    routes: [],
    rules: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    trackBfds: [],
    dontTrackPrimary: false,
    unicastConfigured: false,
    unicastPeers: [],
    checkUnicastSrc: false,
    unicastFaultNoPeer: false,
    trackSrcIp: false,
    authPass: '',
    nopreempt: false,
    preemptDelayUs: 0,
    garpMasterDelayMs: g.garpMasterDelayMs,
    garpMasterRepeat: g.garpMasterRepeat,
    garpMasterRefreshMs: g.garpMasterRefreshMs,
    garpMasterRefreshRepeat: g.garpMasterRefreshRepeat,
    downTimerAdverts: g.downTimerAdverts,
    skipCheckAdvAddr: false,
    promoteSecondaries: false,
    notify: { notifyDeleted: false },
  };
}

/** Applies the keywords of one vrrp_instance block to its draft. */
export function adaptInstanceBlock(
  ctx: KaContext,
  v: InstanceDraft,
  block: readonly Directive[],
  g: GlobalState,
  t: TrackLookups,
): void {
  for (const d of block) {
    if (!INSTANCE_BLOCKS.has(d.name)) ctx.strayBlock(d);
    else if (d.name !== 'authentication') ctx.valueBlockArgs(d);
    const a1 = d.args[0];
    const uint = (min: number, max: number, msg: (s: string) => string, set: (n: number) => void): void => {
      const w = ctx.arg(d, 1);
      if (w === undefined) return;
      const n = ctx.unsigned(w, min, max);
      if (n === undefined) ctx.error(msg(w.text), d.loc);
      else set(n);
      ctx.extraWords(d, 1);
    };
    switch (d.name) {
      case 'state': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        if (w.text === 'MASTER') v.wantState = 'MASTER';
        else if (w.text === 'BACKUP') {
          if (v.wantState === 'MASTER')
            ctx.error(`(${v.name}) state previously set as MASTER - ignoring BACKUP`, d.loc);
          else v.wantState = 'BACKUP';
        } else {
          ctx.error(`(${v.name}) unknown state '${w.text}', defaulting to BACKUP`, d.loc);
          v.wantState = 'BACKUP';
        }
        v.stateLoc = d.loc;
        ctx.extraWords(d, 1);
        break;
      }
      case 'interface': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        if (w.text.length >= 16) {
          ctx.error(`Interface name '${w.text}' too long - ignoring`, d.loc);
          break;
        }
        const kind = ctx.host.interfaceKind(w.text);
        if (kind === 'missing') {
          ctx.missingInterface(
            `WARNING - interface ${w.text} for vrrp_instance ${v.name} doesn't exist`,
            d.loc,
          );
          delete v.interface;
        } else if (kind === 'loopback') {
          ctx.error(`(${v.name}) cannot use a loopback interface (${w.text}) for vrrp - ignoring`, d.loc);
          delete v.interface;
        } else v.interface = w.text;
        v.interfaceLoc = d.loc;
        ctx.extraWords(d, 1);
        break;
      }
      case 'virtual_router_id':
        uint(
          1,
          255,
          (s) => `(${v.name}): VRID '${s}' not valid - must be between 1 & 255`,
          (n) => (v.vrid = n),
        );
        break;
      case 'priority': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const n = ctx.unsigned(w, 1, 255);
        if (n === undefined) {
          ctx.error(`(${v.name}) Priority not valid! must be between 1 & 255. Using default 100`, d.loc);
          v.priority = 100;
        } else v.priority = n;
        ctx.extraWords(d, 1);
        break;
      }
      case 'advert_int': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const us = ctx.decimal(w, 10000, 255 * 1000000, 6);
        if (us === undefined || us <= 0)
          ctx.error(`(${v.name}) Advert interval (${w.text}) not valid! Must be > 0 - ignoring`, d.loc);
        else v.advertUs = us;
        ctx.extraWords(d, 1);
        break;
      }
      case 'version': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const n = ctx.int(w, 2, 3);
        if (n === undefined) ctx.error(`(${v.name}): Version must be either 2 or 3`, d.loc);
        else if (n === 2 && v.family === 'inet6')
          ctx.error(`(${v.name}): Cannot use VRRPv2 with ipv6 - ignoring`, d.loc);
        else v.version = n === 2 ? 2 : 3;
        ctx.extraWords(d, 1);
        break;
      }
      case 'authentication':
        for (const k of d.block ?? []) {
          const w = ctx.arg(k, 1);
          if (k.name === 'auth_type') {
            if (w?.text === 'PASS' || w?.text === 'AH') {
              v.authType = w.text;
              v.authTypeLoc = k.loc;
            } else if (w !== undefined)
              ctx.error(`(${v.name}) unknown authentication type '${w.text}'`, k.loc);
            ctx.extraWords(k, 1);
          } else if (k.name === 'auth_pass') {
            if (w === undefined) continue;
            if (w.text.length > 8) ctx.error('Truncating auth_pass to 8 characters', k.loc);
            v.authPass = w.text.slice(0, 8);
            ctx.extraWords(k, 1);
          } else ctx.unknown(k);
        }
        break;
      case 'virtual_ipaddress':
        for (const e of d.block ?? []) {
          const ip = adaptIpAddress(ctx, e, { isStatic: false });
          if (ip === undefined) continue;
          if (v.family !== undefined && ip.family !== v.family) {
            ctx.error(`(${v.name}): address family must match VRRP instance [${e.name}] - ignoring`, e.loc);
            continue;
          }
          v.family ??= ip.family;
          v.vips.push(ip);
        }
        break;
      case 'virtual_ipaddress_excluded':
        for (const e of d.block ?? []) {
          const ip = adaptIpAddress(ctx, e, { isStatic: false });
          if (ip !== undefined) v.evips.push(ip);
        }
        break;
      case 'virtual_routes':
        for (const e of d.block ?? []) {
          const r = adaptRoute(ctx, e);
          if (r !== undefined) v.routes.push(r);
        }
        break;
      case 'virtual_rules':
        for (const e of d.block ?? []) {
          const r = adaptRule(ctx, e);
          if (r !== undefined) v.rules.push(r);
        }
        break;
      case 'track_interface':
        v.trackInterfaces = v.trackInterfaces.concat(adaptTrackList(ctx, d, 'interface', v.name, t.iface));
        break;
      case 'track_script':
        v.trackScripts = v.trackScripts.concat(adaptTrackList(ctx, d, 'script', v.name, t.script));
        break;
      case 'track_file':
        v.trackFiles = v.trackFiles.concat(adaptTrackList(ctx, d, 'file', v.name, t.file));
        break;
      case 'track_process':
        v.trackProcesses = v.trackProcesses.concat(adaptTrackList(ctx, d, 'process', v.name, t.process));
        break;
      case 'track_bfd':
        ctx.tandem('TANDEM_KA_UNSUPPORTED', 'track_bfd is not supported by Tandem yet - ignored', d.loc);
        break;
      case 'dont_track_primary':
        v.dontTrackPrimary = true;
        ctx.extraWords(d, 0);
        break;
      case 'unicast_src_ip':
      case 'mcast_src_ip': {
        if (d.name === 'unicast_src_ip') v.unicastConfigured = true;
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const ip = parseIp(w.text);
        if (ip === undefined)
          ctx.error(
            `Configuration error: VRRP instance[${v.name}] malformed src address[${w.text}]. Skipping...`,
            d.loc,
          );
        else if (v.family !== undefined && ip.family !== v.family) {
          ctx.error(
            `Configuration error: VRRP instance[${v.name}] and src address[${w.text}] MUST be of the same family !!! Skipping...`,
            d.loc,
          );
        } else {
          v.family ??= ip.family;
          v.sourceAddress = ip.address;
        }
        ctx.extraWords(d, 1);
        break;
      }
      case 'unicast_peer':
        v.unicastConfigured = true;
        for (const e of d.block ?? []) {
          const p = unicastPeer(ctx, v, e);
          if (p !== undefined) v.unicastPeers.push(p);
        }
        break;
      case 'mcast_dst_ip': {
        const w = ctx.arg(d, 1);
        const ip = w === undefined ? undefined : parseIp(w.text);
        if (w !== undefined && ip === undefined)
          ctx.error(`(${v.name}) malformed mcast dest address ${w.text}. Skipping...`, d.loc);
        else if (ip !== undefined) v.mcastDst = ip.address;
        break;
      }
      case 'unicast_ttl':
        uint(
          0,
          255,
          (s) => `(${v.name}): TTL '${s}' not valid - must be between 0 & 255`,
          (n) => (v.ttl = n),
        );
        break;
      case 'check_unicast_src':
        v.unicastConfigured = true;
        v.checkUnicastSrc = true;
        break;
      case 'unicast_fault_no_peer':
        v.unicastConfigured = true;
        v.unicastFaultNoPeer = true;
        v.unicastFaultNoPeerLoc = d.loc;
        break;
      case 'track_src_ip':
        v.trackSrcIp = true;
        v.trackSrcIpLoc = d.loc;
        break;
      case 'nopreempt':
        v.nopreempt = true;
        ctx.extraWords(d, 0);
        break;
      case 'preempt':
        v.nopreempt = false;
        break;
      case 'preempt_delay': {
        const w = ctx.arg(d, 1);
        if (w === undefined) break;
        const us = ctx.decimal(w, 0, 1000 * 1000000, 6);
        if (us === undefined) {
          ctx.error(`(${v.name}) Preempt_delay not valid! must be between 0-1000`, d.loc);
          v.preemptDelayUs = 0;
        } else v.preemptDelayUs = us;
        ctx.extraWords(d, 1);
        break;
      }
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
      case 'notify':
      case 'notify_master_rx_lower_pri':
      case 'notify_deleted': {
        const slot = (
          {
            notify_master: 'master',
            notify_backup: 'backup',
            notify_fault: 'fault',
            notify_stop: 'stop',
            notify: 'generic',
            notify_master_rx_lower_pri: 'masterRxLowerPri',
            notify_deleted: 'deleted',
          } as const
        )[d.name];
        if (d.name === 'notify_deleted') {
          if (v.notify.notifyDeleted) {
            ctx.error(`(${v.name}) notify_deleted already specified - ignoring ${a1?.text ?? ''}`, d.loc);
            break;
          }
          v.notify.notifyDeleted = true;
          if (a1 === undefined) break;
        }
        if (v.notify[slot] !== undefined) {
          ctx.error(
            `(${v.name}) ${d.name === 'notify' ? 'notify' : d.name} script already specified - ignoring ${a1?.text ?? ''}`,
            d.loc,
          );
          break;
        }
        const s = adaptNotifyScript(ctx, d, g);
        if (s !== undefined) v.notify[slot] = s;
        break;
      }
      default:
        if (!adaptInstanceOption(ctx, v, d)) ctx.unknown(d);
    }
  }
}
