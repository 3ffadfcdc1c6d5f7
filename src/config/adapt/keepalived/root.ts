/**
 * The top level of keepalived.conf: dispatches each root block to its adapter in file order (order
 * matters: keepalived resolves `track_script` names against scripts defined earlier), then runs the
 * post-parse passes (sync groups, instance completion, unused scripts, script security).
 */
import type { Directive } from '../../directive.js';
import type {
  IpAddressConfig,
  IpRouteConfig,
  KeepalivedConfig,
  LvsBlockConfig,
  ScriptCommandConfig,
  TrackFileConfig,
  TrackProcessConfig,
  VrrpInstanceConfig,
  VrrpScriptConfig,
  VrrpSyncGroupConfig,
} from '../../model/keepalived.js';
import { adaptIpAddress } from './address.js';
import type { KaContext } from './context.js';
import { adaptGlobalDefs, defaultGlobals } from './global-defs.js';
import { completeInstance } from './instance-complete.js';
import type { InstanceDraft } from './instance-draft.js';
import { adaptLvs, LVS_ROOTS } from './lvs.js';
import { adaptRoute, adaptRule } from './routes.js';
import { checkScriptSecurity } from './security.js';
import { adaptSyncGroup, resolveSyncGroup, type SyncGroupDraft } from './sync-group.js';
import { adaptTrackFile, adaptTrackProcess } from './track-blocks.js';
import { adaptInstanceBlock, newDraft, type TrackLookups } from './vrrp-instance.js';
import { adaptVrrpScript } from './vrrp-script.js';

const OTHER_ROOTS = new Set([
  'linkbeat_use_polling',
  'net_namespace',
  'net_namespace_ipvs',
  'namespace_with_ipsets',
  'use_pid_dir',
  'instance',
  'child_wait_time',
  'track_group',
  'garp_group',
  'linkbeat_interfaces',
  'interface_up_down_delays',
]);

/** Root keywords of the VRRP side that own a block. */
const ROOT_BLOCKS = new Set([
  'global_defs',
  'vrrp_script',
  'vrrp_instance',
  'vrrp_sync_group',
  'track_file',
  'vrrp_track_file',
  'vrrp_track_process',
  'static_ipaddress',
  'static_routes',
  'static_rules',
]);

/** Adapts the whole tree; `files` lists every file read. */
export function adaptKeepalived(
  ctx: KaContext,
  tree: readonly Directive[],
  file: string,
  files: readonly string[],
): KeepalivedConfig {
  const g = defaultGlobals();
  const scripts: VrrpScriptConfig[] = [];
  const drafts: InstanceDraft[] = [];
  const groups: SyncGroupDraft[] = [];
  const trackFiles: TrackFileConfig[] = [];
  const trackProcesses: TrackProcessConfig[] = [];
  const staticIps: IpAddressConfig[] = [];
  const staticRoutes: IpRouteConfig[] = [];
  const staticRules: IpRouteConfig[] = [];
  const lvs: LvsBlockConfig[] = [];
  const t: TrackLookups = {
    script: (n) => scripts.find((s) => s.name === n),
    file: (n) => trackFiles.find((f) => f.name === n),
    process: (n) => trackProcesses.find((p) => p.name === n),
    iface: (n) => (ctx.host.interfaceKind(n) === 'missing' ? undefined : { weight: 0, reverse: false }),
  };
  const named = (d: Directive, what: string): string | undefined => {
    if (d.args.length !== 1) {
      ctx.error(`${what} must have a name`, d.loc);
      return undefined;
    }
    return d.args[0]?.text;
  };
  for (const d of tree) {
    const block = d.block ?? [];
    switch (d.name) {
      case 'global_defs':
        adaptGlobalDefs(ctx, block, g);
        break;
      case 'vrrp_script': {
        const s = adaptVrrpScript(ctx, d, g);
        if (s !== undefined) scripts.push(s);
        break;
      }
      case 'vrrp_instance': {
        const name = named(d, 'vrrp_instance');
        if (name === undefined) break;
        if (drafts.some((v) => v.name === name)) {
          ctx.error(`vrrp instance ${name} already defined`, d.loc);
          break;
        }
        const v = newDraft(name, d.loc, g);
        drafts.push(v);
        adaptInstanceBlock(ctx, v, block, g, t);
        break;
      }
      case 'vrrp_sync_group': {
        const name = d.args.length === 1 ? d.args[0]?.text : undefined;
        if (name === undefined) ctx.error('vrrp_sync_group must have a name - skipping', d.loc);
        else if (groups.some((s) => s.name === name))
          ctx.error(`vrrp sync group ${name} already defined`, d.loc);
        else groups.push(adaptSyncGroup(ctx, d, name, g, t));
        break;
      }
      case 'track_file':
      case 'vrrp_track_file': {
        const f = adaptTrackFile(ctx, d);
        if (f !== undefined) trackFiles.push(f);
        break;
      }
      case 'vrrp_track_process': {
        const p = adaptTrackProcess(ctx, d);
        if (p !== undefined) trackProcesses.push(p);
        break;
      }
      case 'static_ipaddress':
        ctx.valueBlockArgs(d);
        for (const e of block) {
          const ip = adaptIpAddress(ctx, e, { isStatic: true });
          if (ip === undefined) continue;
          if (ip.dev === undefined && ctx.host.interfaceKind(g.defaultInterface) === 'missing') {
            ctx.report(
              'fatal',
              `Static address ${e.name} requires either an interface or default interface must exist`,
              e.loc,
            );
            continue;
          }
          staticIps.push(ip);
        }
        break;
      case 'static_routes':
        ctx.valueBlockArgs(d);
        for (const e of block) {
          const r = adaptRoute(ctx, e);
          if (r !== undefined) staticRoutes.push(r);
        }
        break;
      case 'static_rules':
        ctx.valueBlockArgs(d);
        for (const e of block) {
          const r = adaptRule(ctx, e);
          if (r !== undefined) staticRules.push(r);
        }
        break;
      default:
        if (LVS_ROOTS.has(d.name)) lvs.push(adaptLvs(ctx, d, lvs.length));
        else if (OTHER_ROOTS.has(d.name))
          ctx.tandem(
            'TANDEM_KA_UNSUPPORTED',
            `${d.name} is accepted but not supported by Tandem yet - ignored`,
            d.loc,
          );
        else ctx.unknown(d);
    }
    if (!ROOT_BLOCKS.has(d.name) && !LVS_ROOTS.has(d.name) && !OTHER_ROOTS.has(d.name)) ctx.strayBlock(d);
  }
  // vrrp_daemon.c: a missing interface stops the VRRP process right after parsing (rc 5 with the
  // "doesn't exist" error), so none of the checks below are reported; the model is still built.
  const stopped = ctx.nonExistentInterface !== undefined;
  if (stopped)
    ctx.report('fatal', 'Non-existent interface specified in configuration', ctx.nonExistentInterface);
  const post = stopped ? ctx.muted() : ctx;
  let disabledScripts: ReadonlySet<string> = new Set();
  if (drafts.length > 0) {
    const notify = [
      ...drafts.flatMap((v) => notifyScripts(v.notify)),
      ...groups.flatMap((s) => notifyScripts(s.notify)),
    ];
    disabledScripts = checkScriptSecurity(post, scripts, notify, g.enableScriptSecurity).disabledScripts;
  }
  for (const v of drafts) v.trackScripts = v.trackScripts.filter((r) => !disabledScripts.has(r.name));
  // vrrp_complete_init stops at the first instance that fails; later ones are not checked.
  const live = { ctx: post };
  // chk_min_cfg: a VRID and an interface (or unicast peers) are required.
  const noIf = (v: InstanceDraft): boolean => v.interface === undefined && v.unicastPeers.length === 0;
  const firstBad = drafts.find((v) => v.vrid === 0 || noIf(v));
  if (firstBad !== undefined) {
    if (firstBad.vrid === 0)
      live.ctx.error(`(${firstBad.name}) the virtual router id must be set`, firstBad.loc);
    else live.ctx.error(`(${firstBad.name}) Unknown interface!`, firstBad.loc);
    live.ctx = ctx.muted();
  }
  const liveGroups = groups.filter((sg) => resolveSyncGroup(live.ctx, sg, drafts));
  const instances: VrrpInstanceConfig[] = [];
  for (const v of drafts) {
    if (v.vrid === 0 || noIf(v)) continue;
    const sg = liveGroups.find((x) => x.name === v.syncGroup);
    const done = completeInstance(live.ctx, v, g, sg === undefined ? undefined : sg.trackingWeight);
    if (done !== undefined) instances.push(done);
    else live.ctx = ctx.muted();
  }
  checkVridConflicts(live.ctx, instances);
  const used = new Set(
    [...instances.flatMap((i) => i.trackScripts), ...liveGroups.flatMap((x) => x.trackScripts)].map(
      (r) => r.name,
    ),
  );
  const usedScripts = scripts.filter((x) => {
    // keepalived removes unused scripts after the point where -t stops, so -t never says so.
    if (!used.has(x.name))
      ctx.tandem(
        'TANDEM_KA_SCRIPT_UNUSED',
        `script ${x.name} is not used by any vrrp_instance or sync group`,
        x.loc,
      );
    return used.has(x.name) && !disabledScripts.has(x.name);
  });
  const syncGroups: VrrpSyncGroupConfig[] = liveGroups.map((s) => ({
    name: s.name,
    loc: s.loc,
    members: s.members,
    trackInterfaces: s.trackInterfaces,
    trackScripts: s.trackScripts,
    trackFiles: s.trackFiles,
    trackProcesses: s.trackProcesses,
    notify: s.notify,
    smtpAlert: s.smtpAlert,
    trackingWeight: s.trackingWeight,
    notifyPriorityChanges: s.notifyPriorityChanges,
  }));
  return {
    file,
    files,
    globalDefs: g,
    vrrpScripts: usedScripts,
    vrrpInstances: instances,
    vrrpSyncGroups: syncGroups,
    trackFiles,
    trackProcesses,
    staticIpaddresses: staticIps,
    staticRoutes,
    staticRules,
    lvs,
  };
}

/** check_vrid_conflicts: two multicast instances on one interface and family may not share a VRID. */
function checkVridConflicts(ctx: KaContext, instances: readonly VrrpInstanceConfig[]): void {
  instances.forEach((a, i) => {
    for (const b of instances.slice(0, i)) {
      if (
        a.vrid !== b.vrid ||
        a.family !== b.family ||
        a.interface === undefined ||
        a.interface !== b.interface
      )
        continue;
      if (a.unicastPeers.length > 0 || b.unicastPeers.length > 0 || a.mcastDestination !== b.mcastDestination)
        continue;
      ctx.error(
        `${b.name} and ${a.name} both use VRID ${a.vrid} with IPv${a.family === 'inet' ? 4 : 6} on interface ${a.interface}`,
        a.loc,
      );
    }
  });
}

function notifyScripts(n: VrrpInstanceConfig['notify']): ScriptCommandConfig[] {
  return [n.master, n.backup, n.fault, n.stop, n.deleted, n.generic, n.masterRxLowerPri].filter(
    (s): s is ScriptCommandConfig => s !== undefined,
  );
}
