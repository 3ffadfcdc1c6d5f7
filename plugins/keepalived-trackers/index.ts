/**
 * The tracker plugins as keepalived.conf configures them: `vrrp_script`, `track_file`,
 * `vrrp_track_process` and `track_interface`, each run only for the names an instance or a sync
 * group tracks (keepalived never runs an untracked script).
 */
import {
  proxyHealthPlan,
  createFileTrackerPlugin,
  createInterfaceTrackerPlugin,
  createProcessTrackerPlugin,
  createScriptTrackerPlugin,
  type KeepalivedConfig,
  type Model,
  type ScriptUserName,
  type TrackRefConfig,
} from '../../src/index.js';

type RefList = 'trackScripts' | 'trackFiles' | 'trackProcesses' | 'trackInterfaces';

/** The names tracked through one kind of `track_*` list, by instances and sync groups. */
function trackedNames(k: KeepalivedConfig, list: RefList): Set<string> {
  const refs: TrackRefConfig[] = [
    ...k.vrrpInstances.flatMap((i) => i[list]),
    ...k.vrrpSyncGroups.flatMap((g) => g[list]),
  ];
  return new Set(refs.map((r) => r.name));
}

function userOf(user: string | undefined, group: string | undefined): ScriptUserName | undefined {
  if (user === undefined) return undefined;
  return group === undefined ? { user } : { user, group };
}

const keepalivedOf = (m: Model): KeepalivedConfig | undefined =>
  m.keepalived !== undefined && m.keepalived.vrrpInstances.length > 0 ? m.keepalived : undefined;

/** `tracker.script` over the model's `vrrp_script` blocks. */
export const scriptTrackerPlugin = createScriptTrackerPlugin((m) => {
  const k = keepalivedOf(m);
  if (k === undefined || k.vrrpScripts.length === 0) return undefined;
  const scriptUser = userOf(k.globalDefs.scriptUser, k.globalDefs.scriptGroup);
  // `pidof nginx`-style checks are answered by proxy.vip's proxy health when Tandem is the proxy.
  const replaced = new Set(proxyHealthPlan(m).replaced);
  const scripts = k.vrrpScripts.filter((s) => !replaced.has(s.name));
  if (scripts.length === 0) return undefined;
  return {
    scripts: scripts.map((s) => {
      const user = userOf(s.command.user, s.command.group);
      return {
        name: s.name,
        script: s.command.argv,
        interval: s.intervalMs,
        timeout: s.timeoutMs,
        rise: s.rise,
        fall: s.fall,
        weight: s.weight,
        reverse: s.reverse,
        initFail: s.initFail,
        ...(user === undefined ? {} : { user }),
      };
    }),
    tracked: trackedNames(k, 'trackScripts'),
    scriptSecurity: k.globalDefs.enableScriptSecurity,
    ...(scriptUser === undefined ? {} : { scriptUser }),
  };
});

/** `tracker.file` over the model's `track_file` blocks. */
export const fileTrackerPlugin = createFileTrackerPlugin((m) => {
  const k = keepalivedOf(m);
  if (k === undefined || k.trackFiles.length === 0) return undefined;
  return {
    files: k.trackFiles.map((f) => ({
      name: f.name,
      file: f.file,
      weight: f.weight,
      reverse: f.reverse,
      ...(f.initFile === undefined ? {} : { init: f.initFile }),
    })),
    tracked: trackedNames(k, 'trackFiles'),
  };
});

/** `tracker.process` over the model's `vrrp_track_process` blocks. */
export const processTrackerPlugin = createProcessTrackerPlugin((m) => {
  const k = keepalivedOf(m);
  if (k === undefined || k.trackProcesses.length === 0) return undefined;
  // `process nginx` is answered by proxy.vip's proxy health when Tandem is the proxy.
  const replaced = new Set(proxyHealthPlan(m).replacedProcesses);
  const processes = k.trackProcesses.filter((p) => !replaced.has(p.name));
  if (processes.length === 0) return undefined;
  return {
    processes: processes.map((p) => ({
      name: p.name,
      process: [p.process, ...p.params],
      ...(p.paramMatch === 'none' ? {} : { paramMatch: p.paramMatch }),
      fullCommand: p.fullCommand,
      weight: p.weight,
      reverse: p.reverse,
      quorum: p.quorum,
      quorumMax: p.quorumMax,
      forkDelay: p.forkDelayMs,
      terminateDelay: p.terminateDelayMs,
    })),
    tracked: trackedNames(k, 'trackProcesses'),
  };
});

/** `tracker.interface` over the interfaces named in `track_interface` lists. */
export const interfaceTrackerPlugin = createInterfaceTrackerPlugin((m) => {
  const k = keepalivedOf(m);
  if (k === undefined) return undefined;
  const names = trackedNames(k, 'trackInterfaces');
  return names.size === 0 ? undefined : { interfaces: [...names].map((name) => ({ name })) };
});
