/**
 * `vrrp_sync_group NAME { group { VI_1 VI_2 } ... }` (keepalived vrrp_parser.c l.208, member
 * resolution vrrp_sync.c `vrrp_sync_set_group`): members are resolved after the whole file is read.
 */
import type { Directive } from '../../directive.js';
import type { NotifyConfig, TrackRefConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';
import type { GlobalState } from './global-defs.js';
import type { InstanceDraft } from './instance-draft.js';
import { priorityNotifyNotSupported } from './unsupported.js';
import { adaptNotifyScript } from './scripts.js';
import { adaptTrackList } from './track-refs.js';
import type { TrackLookups } from './vrrp-instance.js';

/** Keywords here that take a { } block; any other keyword followed by one gets keepalived's `Unexpected '{'`. */
const GROUP_BLOCKS = new Set([
  'group',
  'track_interface',
  'track_script',
  'track_file',
  'track_process',
  'track_bfd',
]);

/** A sync group while the file is read. */
export interface SyncGroupDraft {
  name: string;
  loc: Directive['loc'];
  /** Member names as written; undefined when there was no (non-empty) group block. */
  names?: { text: string; loc: Directive['loc'] }[];
  members: string[];
  trackInterfaces: TrackRefConfig[];
  trackScripts: TrackRefConfig[];
  trackFiles: TrackRefConfig[];
  trackProcesses: TrackRefConfig[];
  notify: { -readonly [K in keyof NotifyConfig]: NotifyConfig[K] };
  smtpAlert: boolean;
  trackingWeight: boolean;
  notifyPriorityChanges: boolean;
}

/** Reads one vrrp_sync_group block. */
export function adaptSyncGroup(
  ctx: KaContext,
  d: Directive,
  name: string,
  g: GlobalState,
  t: TrackLookups,
): SyncGroupDraft {
  const sg: SyncGroupDraft = {
    name,
    loc: d.loc,
    members: [],
    trackInterfaces: [],
    trackScripts: [],
    trackFiles: [],
    trackProcesses: [],
    notify: { notifyDeleted: false },
    smtpAlert: false,
    trackingWeight: false,
    notifyPriorityChanges: false,
  };
  for (const k of d.block ?? []) {
    if (!GROUP_BLOCKS.has(k.name)) ctx.strayBlock(k);
    else ctx.valueBlockArgs(k);
    switch (k.name) {
      case 'group': {
        if (sg.names !== undefined) {
          ctx.error(`Group list already specified for sync group ${name}`, k.loc);
          break;
        }
        const names = (k.block ?? []).flatMap((e) =>
          [e, ...e.args].map((w) =>
            'name' in w ? { text: w.name, loc: w.loc } : { text: w.text, loc: w.loc },
          ),
        );
        if (names.length === 0) ctx.error(`Warning - sync group ${name} has empty group block`, k.loc);
        else sg.names = names;
        break;
      }
      case 'track_interface':
        sg.trackInterfaces = sg.trackInterfaces.concat(adaptTrackList(ctx, k, 'interface', name, t.iface));
        break;
      case 'track_script':
        sg.trackScripts = sg.trackScripts.concat(adaptTrackList(ctx, k, 'script', name, t.script));
        break;
      case 'track_file':
        sg.trackFiles = sg.trackFiles.concat(adaptTrackList(ctx, k, 'file', name, t.file));
        break;
      case 'track_process':
        sg.trackProcesses = sg.trackProcesses.concat(adaptTrackList(ctx, k, 'process', name, t.process));
        break;
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
      case 'notify': {
        const slot = (
          {
            notify_master: 'master',
            notify_backup: 'backup',
            notify_fault: 'fault',
            notify_stop: 'stop',
            notify: 'generic',
          } as const
        )[k.name];
        if (sg.notify[slot] !== undefined) {
          ctx.error(
            `(${name}) ${k.name} script already specified - ignoring ${k.args[0]?.text ?? ''}`,
            k.loc,
          );
          break;
        }
        const s = adaptNotifyScript(ctx, k, g);
        if (s !== undefined) sg.notify[slot] = s;
        break;
      }
      case 'smtp_alert':
        sg.smtpAlert = k.args[0] === undefined ? true : (ctx.bool(k.args[0]) ?? true);
        break;
      case 'global_tracking':
        ctx.error(
          `(${name}) global_tracking is deprecated. Use track_interface/script/file/bfd/process in the sync group`,
          k.loc,
        );
        sg.trackingWeight = true;
        break;
      case 'sync_group_tracking_weight':
        sg.trackingWeight = true;
        break;
      case 'notify_priority_changes':
        sg.notifyPriorityChanges = k.args[0] === undefined ? true : (ctx.bool(k.args[0]) ?? false);
        if (sg.notifyPriorityChanges) priorityNotifyNotSupported(ctx, k.name, k.loc);
        break;
      default:
        ctx.unknown(k);
    }
  }
  return sg;
}

/** vrrp_sync_set_group: binds members to instances; false when the group is removed. */
export function resolveSyncGroup(
  ctx: KaContext,
  sg: SyncGroupDraft,
  instances: readonly InstanceDraft[],
): boolean {
  if (sg.names === undefined) {
    ctx.error(`Sync group ${sg.name} has no virtual router(s). removing`, sg.loc);
    return false;
  }
  let ownerState: 'MASTER' | 'BACKUP' | undefined;
  for (const m of sg.names) {
    const v = instances.find((i) => i.name === m.text);
    if (v === undefined) {
      ctx.error(
        `Virtual router ${m.text} specified in sync group ${sg.name} doesn't exist - ignoring`,
        m.loc,
      );
      continue;
    }
    if (v.syncGroup !== undefined) {
      ctx.error(
        `Virtual router ${m.text} cannot exist in more than one sync group; ignoring ${sg.name}`,
        m.loc,
      );
      continue;
    }
    v.syncGroup = sg.name;
    sg.members.push(v.name);
    if (ownerState === 'MASTER' && v.wantState === 'BACKUP') {
      ctx.error(
        `Sync group ${sg.name} has some member(s) as address owner and some not as address owner. This won't work.`,
        sg.loc,
      );
    }
    if (ownerState !== 'BACKUP')
      ownerState = v.wantState === 'MASTER' && v.priority === 255 ? 'MASTER' : 'BACKUP';
  }
  if (sg.members.length === 0) {
    ctx.error(
      `Sync group ${sg.name}, no matching virtual router found in group declaration - removing`,
      sg.loc,
    );
    return false;
  }
  if (sg.members.length === 1) {
    ctx.error(
      `Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`,
      sg.loc,
    );
  }
  return true;
}
