/**
 * keepalived's checks after the whole file is read (vrrp.c `vrrp_complete_instance` l.2829 and
 * `chk_min_cfg` l.2310): derive state/priority/version/family, drop what strict mode or the sync
 * group forbids, round advert_int, resolve unset values from global_defs. Returns the final model
 * instance, or undefined when keepalived refuses the instance.
 */
import type { VrrpInstanceConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';
import type { GlobalState } from './global-defs.js';
import type { InstanceDraft } from './instance-draft.js';
import { warnUnsupportedEffects } from './unsupported.js';

/** Completes one instance; `groupTracking` tells whether its sync group keeps tracker weights. */
export function completeInstance(
  ctx: KaContext,
  v: InstanceDraft,
  g: GlobalState,
  groupTracking: boolean | undefined,
): VrrpInstanceConfig | undefined {
  const n = v.name;
  const err = (m: string): void => {
    ctx.error(m, v.loc);
  };
  const strict = v.strictMode ?? g.strict;
  let version = v.version;
  if (v.family === 'inet6') {
    if (version === 2 && strict) {
      err(`(${n}) cannot use IPv6 with VRRP version 2; setting version 3`);
      version = 3;
    } else version ??= 3;
  }
  const family = v.family ?? 'inet';
  version ??= family === 'inet6' ? 3 : g.vrrpVersion;
  const unicast = v.unicastConfigured && v.unicastPeers.length > 0;
  if (v.vips.length === 0 && (version === 3 || strict)) {
    err(`(${n}) No VIP specified; at least one is required`);
    return undefined;
  }
  if (v.vips.length === 0) err(`(${n}) No VIP specified; at least one is sensible`);
  let priority = v.priority;
  if (priority === 0) priority = v.wantState === 'MASTER' ? 255 : 100;
  let state = v.wantState ?? (priority === 255 ? 'MASTER' : 'BACKUP');
  if (v.wantState !== undefined && strict && (state === 'MASTER') !== (priority === 255)) {
    err(`(${n}) State MASTER must match being address owner`);
    state = priority === 255 ? 'MASTER' : 'BACKUP';
  }
  let authType = v.authType;
  if (authType !== undefined) {
    if (strict) err(`(${n}) Strict mode does not support authentication. Ignoring.`);
    else if (version === 3) err(`(${n}) VRRP version 3 does not support authentication. Ignoring.`);
    else if (v.authPass === '') err(`(${n}) Authentication specified but no password given. Ignoring`);
    else if (family === 'inet6' && authType === 'AH')
      err(`(${n}) Cannot use AH authentication with IPv6. ignoring`);
    else if (authType === 'AH' && state === 'MASTER' && priority !== 255) {
      err(`(${n}) Initial state master is incompatible with AH authentication - clearing`);
      state = 'BACKUP';
    }
    if (strict || version === 3 || v.authPass === '' || (family === 'inet6' && authType === 'AH'))
      authType = undefined;
  }
  if (strict && unicast && v.interface !== undefined) {
    err(`(${n}) Unicast peers are not supported in strict mode`);
    return undefined;
  }
  if (v.interface === undefined && v.interfaceLoc === undefined) {
    if (v.sourceAddress === undefined) {
      err(`(${n}): Unicast instances must have unicast_src_ip or interface`);
      return undefined;
    }
  }
  if (v.unicastConfigured && v.unicastPeers.length === 0 && !v.unicastFaultNoPeer) {
    ctx.report(
      'warning',
      `(${n}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`,
      v.loc,
    );
  }
  let nopreempt = v.nopreempt;
  let preemptDelayUs = v.preemptDelayUs;
  if (priority === 255 && nopreempt) {
    err(`(${n}) nopreempt is incompatible with priority 255. resetting nopreempt`);
    nopreempt = false;
  }
  if (state === 'MASTER') {
    if (nopreempt) err(`(${n}) Warning - nopreempt will not work with initial state MASTER - clearing`);
    if (preemptDelayUs > 0)
      err(`(${n}) Warning - preempt delay will not work with initial state MASTER - clearing`);
    nopreempt = false;
    preemptDelayUs = 0;
  }
  if (preemptDelayUs > 0) {
    if (strict) err(`(${n}) preempt_delay is incompatible with strict mode - resetting`);
    if (nopreempt) err(`(${n}) preempt_delay is incompatible with nopreempt mode - resetting`);
    if (strict || nopreempt) preemptDelayUs = 0;
  }
  let downTimerAdverts = v.downTimerAdverts;
  if (downTimerAdverts !== 3 && strict) {
    err(`(${n}) down_timer_adverts is incompatible with strict mode - resetting`);
    downTimerAdverts = 3;
  }
  let accept = v.accept ?? (priority === 255 ? true : !strict);
  if (accept && priority !== 255 && strict && version === 2) {
    err(`(${n}) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`);
    accept = false;
  }
  if (unicast && v.mcastDst !== undefined)
    err(`(${n}) multicast destination specified with unicast - ignoring`);
  const strictReset = (set: boolean, msg: string): void => {
    if (strict && set) err(`(${n}) ${msg}`);
  };
  strictReset((v.garpLowerPrioRepeat ?? 0) > 0, 'Strict mode requires no repeat garps. resetting');
  strictReset((v.garpLowerPrioDelayMs ?? 0) > 0, 'Strict mode requires no repeat garp delay. resetting');
  strictReset(v.lowerPrioNoAdvert === false, 'Strict mode requires no lower priority advert. resetting');
  strictReset(
    v.higherPrioSendAdvert === true,
    'strict mode requires higher_prio_send_advert to be clear. resetting',
  );
  // advert_int: v2 whole seconds below 256, v3 10 ms units below 40.96 s (vrrp.c l.3254).
  let us = v.advertUs === 0 ? 1000000 : v.advertUs;
  if (version === 2) {
    if (us >= 256 * 1000000) {
      err(
        `(${n}) VRRPv2 advertisement interval ${(us / 1e6).toFixed(2)}s is out of range. Must be less than 256s. Setting to 255s`,
      );
      us = 255 * 1000000;
    } else if (us % 1000000 !== 0) {
      err(`(${n}) VRRPv2 advertisement interval ${(us / 1e6).toFixed(6)}s must be an integer. rounding`);
      us = Math.max(1000000, us + 500000 - ((us + 500000) % 1000000));
    }
  } else if (us >= 4096 * 10000) {
    err(
      `(${n}) VRRPv3 advertisement interval ${(us / 1e6).toFixed(2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`,
    );
    us = 4095 * 10000;
  } else if (us % 10000 !== 0) {
    err(`(${n}) VRRPv3 advertisement interval ${(us / 1e6).toFixed(6)}s must be in units of 10ms - rounding`);
    us = Math.max(10000, us + 5000 - ((us + 5000) % 10000));
  }
  const trackInterfaces = v.trackInterfaces.filter((ti) => {
    if (v.interface !== undefined && ti.name === v.interface) {
      err(`(${n}) Ignoring track_interface ${ti.name} since own interface`);
      return false;
    }
    return true;
  });
  let trackScripts = v.trackScripts;
  let trackFiles = v.trackFiles;
  let ifs = trackInterfaces;
  const noWeights = (groupTracking !== undefined && !groupTracking) || priority === 255;
  if (noWeights) {
    const inSync = groupTracking !== undefined && !groupTracking;
    const why = inSync ? 'SYNC group' : 'address owner';
    ifs = trackInterfaces.flatMap((ti) => {
      if (ti.weight === 0) return [ti];
      err(`(${n}) ignoring ${ti.name} tracked interface ${inSync ? 'weight ' : ''}due to ${why}`);
      return inSync ? [{ ...ti, weight: 0 }] : [];
    });
    trackScripts = trackScripts.filter((s) => {
      if (s.weight !== 0)
        err(
          `(${n}) ignoring tracked script ${s.name} with weights due to ${inSync ? 'SYNC group' : 'address_owner'}`,
        );
      return s.weight === 0;
    });
    trackFiles = trackFiles.flatMap((f) => {
      if (f.weight === 0) return [f];
      err(
        `(${n}) ignoring tracked file ${f.name} with weight ${f.weight} due to ${inSync ? 'SYNC group' : 'address_owner'}`,
      );
      return [];
    });
  }
  const out: { -readonly [K in keyof VrrpInstanceConfig]: VrrpInstanceConfig[K] } = {
    name: n,
    loc: v.loc,
    state,
    vrid: v.vrid,
    priority,
    version,
    family,
    advertIntCs: Math.round(us / 10000),
    virtualIpaddresses: v.vips,
    virtualIpaddressesExcluded: v.evips,
    virtualRoutes: v.routes,
    virtualRules: v.rules,
    trackInterfaces: ifs,
    trackScripts,
    trackFiles,
    trackProcesses: v.trackProcesses,
    trackBfds: v.trackBfds,
    dontTrackPrimary: v.dontTrackPrimary,
    unicastPeers: unicast ? v.unicastPeers : [],
    checkUnicastSrc: v.checkUnicastSrc || g.checkUnicastSrc,
    unicastFaultNoPeer: v.unicastFaultNoPeer,
    trackSrcIp: v.trackSrcIp && v.sourceAddress !== undefined,
    nopreempt,
    preemptDelayMs: Math.round(preemptDelayUs / 1000),
    garpMasterDelayMs: v.garpMasterDelayMs,
    garpMasterRepeat: v.garpMasterRepeat,
    garpMasterRefreshMs: v.garpMasterRefreshMs,
    garpMasterRefreshRepeat: v.garpMasterRefreshRepeat,
    garpLowerPrioDelayMs: strict
      ? 0
      : (v.garpLowerPrioDelayMs ?? g.garpLowerPrioDelayMs ?? g.garpMasterDelayMs),
    garpLowerPrioRepeat: strict ? 0 : (v.garpLowerPrioRepeat ?? g.garpLowerPrioRepeat ?? g.garpMasterRepeat),
    downTimerAdverts,
    lowerPrioNoAdvert: strict ? true : (v.lowerPrioNoAdvert ?? g.lowerPrioNoAdvert),
    higherPrioSendAdvert: strict ? false : (v.higherPrioSendAdvert ?? g.higherPrioSendAdvert),
    strictMode: strict,
    accept,
    skipCheckAdvAddr: v.skipCheckAdvAddr || g.skipCheckAdvAddr,
    promoteSecondaries: v.promoteSecondaries,
    smtpAlert: v.smtpAlert ?? g.smtpAlert,
    notifyPriorityChanges: v.notifyPriorityChanges ?? g.notifyPriorityChanges,
    notify: v.notify,
  };
  if (v.interface !== undefined) out.interface = v.interface;
  if (v.sourceAddress !== undefined) out.sourceAddress = v.sourceAddress;
  if (!unicast) out.mcastDestination = v.mcastDst ?? (family === 'inet' ? g.mcastGroup4 : g.mcastGroup6);
  if (family === 'inet') out.unicastTtl = v.ttl ?? 255;
  if (authType !== undefined) out.authentication = { type: authType, password: v.authPass };
  if (v.vmac?.enabled === true) {
    const vm = {
      ifname: v.vmac.nameSet ? v.vmac.ifname : `${g.vmacPrefix}.${v.vrid}`,
      xmitBase: v.vmac.xmitBase,
      useVmacAddr: v.vmac.useVmacAddr,
    };
    out.vmac = v.vmac.mac === undefined ? vm : { ...vm, mac: v.vmac.mac };
  }
  if (v.syncGroup !== undefined) out.syncGroup = v.syncGroup;
  warnUnsupportedEffects(ctx, v, out);
  return out;
}
