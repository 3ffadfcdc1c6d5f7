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
        for (const e of block) {
          const r = adaptRoute(ctx, e, true);
          if (r !== undefined) staticRoutes.push(r);
        }
        break;
      case 'static_rules':
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
        else ctx.error(`Unknown keyword '${d.name}'`, d.loc);
    }
  }
  const liveGroups = groups.filter((sg) => resolveSyncGroup(ctx, sg, drafts));
  const instances: VrrpInstanceConfig[] = [];
  for (const v of drafts) {
    if (v.vrid === 0) {
      ctx.error(`(${v.name}) the virtual router id must be set`, v.loc);
      continue;
    }
    const sg = liveGroups.find((s) => s.name === v.syncGroup);
    const done = completeInstance(ctx, v, g, sg === undefined ? undefined : sg.trackingWeight);
    if (done !== undefined) instances.push(done);
  }
  // vrrp_complete_init: a script tracked by nobody is removed with a warning.
  const used = new Set(
    [...instances.flatMap((i) => i.trackScripts), ...liveGroups.flatMap((s) => s.trackScripts)].map(
      (r) => r.name,
    ),
  );
  const usedScripts = scripts.filter((s) => {
    if (!used.has(s.name)) ctx.error(`Warning - script ${s.name} is not used`, s.loc);
    return used.has(s.name);
  });
  const commands: ScriptCommandConfig[] = [
    ...usedScripts.map((s) => s.command),
    ...instances.flatMap((i) => notifyScripts(i.notify)),
    ...liveGroups.flatMap((s) => notifyScripts(s.notify)),
  ];
  checkScriptSecurity(ctx, commands, g.enableScriptSecurity);
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

function notifyScripts(n: VrrpInstanceConfig['notify']): ScriptCommandConfig[] {
  return [n.master, n.backup, n.fault, n.stop, n.deleted, n.generic, n.masterRxLowerPri].filter(
    (s): s is ScriptCommandConfig => s !== undefined,
  );
}
