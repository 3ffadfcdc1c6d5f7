import { basename } from 'node:path';
import type { KeepalivedConfig, TrackRefConfig } from '../../config/model/keepalived.js';
import type { Model } from '../../config/model/index.js';
import type { ProxyHealthConfig } from '../../config/model/tandem.js';
import { defaultProxyHealth } from '../../config/adapt/tandem/tandem-conf.js';
import { servedInstances, vipOwnersOf } from './listen-decision.js';
import { isNginxProcessCheck } from './nginx-check.js';

/** The tracker name under which the proxy health of one instance is published (kind `script`). */
export const proxyHealthName = (instance: string): string => `proxy_health(${instance})`;

/** Where the proxy health tracker applies in one model. */
export interface ProxyHealthPlan {
  readonly config: ProxyHealthConfig;
  /** Instance → its implicit tracker name (instances the proxy serves that track no nginx check). */
  readonly implicit: ReadonlyMap<string, string>;
  /** `vrrp_script` names whose nginx process check the proxy health answers instead. */
  readonly replaced: readonly string[];
  /** `vrrp_track_process` names that watch an nginx process, answered the same way. */
  readonly replacedProcesses: readonly string[];
}

/** Every TCP listen host of the nginx model (http and stream), as written. */
export function listenHostsOf(model: Model): string[] {
  const n = model.nginx;
  const listens = [
    ...(n?.http?.servers ?? []).flatMap((s) => s.listen),
    ...(n?.stream?.servers ?? []).flatMap((s) => s.listen.filter((l) => !l.udp)),
  ];
  return listens.filter((l) => l.unixPath === undefined).flatMap((l) => l.addresses);
}

/**
 * Decides where the proxy health tracker attaches (docs/vip-listeners.md): nowhere when Tandem does
 * not proxy (`-P`, or no nginx.conf); nginx process checks become it (`nginx_checks replace`); and,
 * with `track on`, every instance whose VIPs the proxy listens on (a wildcard listen serves all VIPs
 * of its family) tracks it, unless it already tracks a replaced check (the operator's weight wins).
 */
export function proxyHealthPlan(model: Model): ProxyHealthPlan {
  const config = model.tandem.proxyHealth ?? defaultProxyHealth;
  const k = model.keepalived;
  const hosts = model.tandem.vrrpOnly === true ? [] : listenHostsOf(model);
  if (k === undefined || hosts.length === 0)
    return { config, implicit: new Map(), replaced: [], replacedProcesses: [] };
  const replacing = config.nginxChecks === 'replace';
  const replaced = replacing
    ? k.vrrpScripts.filter((s) => isNginxProcessCheck(s.command.argv)).map((s) => s.name)
    : [];
  // `vrrp_track_process chk { process nginx }` asks the same question as `pidof nginx`.
  const replacedProcesses = replacing
    ? k.trackProcesses.filter((p) => basename(p.process) === 'nginx').map((p) => p.name)
    : [];
  const implicit = new Map<string, string>();
  if (config.track) {
    const owners = vipOwnersOf(k);
    const served = new Set(hosts.flatMap((h) => servedInstances(h, owners)));
    for (const i of k.vrrpInstances) {
      const group = k.vrrpSyncGroups.find((g) => g.members.includes(i.name));
      const refs = [...i.trackScripts, ...(group?.trackScripts ?? [])];
      const procs = [...i.trackProcesses, ...(group?.trackProcesses ?? [])];
      const checked =
        refs.some((r) => replaced.includes(r.name)) || procs.some((r) => replacedProcesses.includes(r.name));
      if (served.has(i.name) && !checked) implicit.set(i.name, proxyHealthName(i.name));
    }
  }
  return { config, implicit, replaced, replacedProcesses };
}

/**
 * The keepalived slice VRRP runs with the implicit proxy health refs added to `track_script`, so
 * the engine applies them with keepalived's weight rules like any tracker the file names.
 */
export function withProxyHealthTracks(model: Model): KeepalivedConfig | undefined {
  const k = model.keepalived;
  if (k === undefined) return undefined;
  const plan = proxyHealthPlan(model);
  if (plan.implicit.size === 0) return k;
  return {
    ...k,
    vrrpInstances: k.vrrpInstances.map((i) => {
      const name = plan.implicit.get(i.name);
      if (name === undefined) return i;
      const ref: TrackRefConfig = { name, weight: plan.config.weight, reverse: false, loc: i.loc };
      return { ...i, trackScripts: [...i.trackScripts, ref] };
    }),
  };
}
