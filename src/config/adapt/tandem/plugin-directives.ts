import { configError, type Diagnostic } from '../../../core/diagnostic.js';
import type { Directive } from '../../directive.js';
import type { BalancerChoiceConfig, TrackChoiceConfig } from '../../model/tandem.js';

/** A plugin-owned directive name: what a plugin may list in `directives` (lowercase, `_` and digits). */
const EXTENSION_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * `balancer UPSTREAM METHOD;`: picks a plugin's balancing method for an nginx.conf upstream. Kept in
 * tandem.conf so the operator's nginx.conf stays a file stock nginx still reads (a rollback to
 * nginx needs no edit). Whether the upstream exists is checked once nginx.conf is read, and whether
 * a loaded plugin provides the method once plugins are registered.
 */
export function adaptBalancerChoice(d: Directive, out: Diagnostic[]): BalancerChoiceConfig | undefined {
  const [upstream, method, extra] = d.args;
  if (upstream === undefined || method === undefined || extra !== undefined || d.block !== undefined) {
    out.push(configError('TANDEM_CONFIG_ARGS', 'balancer needs UPSTREAM METHOD', d.loc));
    return undefined;
  }
  return { upstream: upstream.text, method: method.text, loc: d.loc };
}

/**
 * `track INSTANCE TRACKER [weight N] [reverse];`: a keepalived.conf VRRP instance follows a tracker a
 * plugin publishes, exactly as a `track_script` entry (keepalived `vrrp_track.c`): weight 0 (the
 * default, as a vrrp_script without `weight`) faults the instance while the tracker is down; a
 * positive weight adds while up, a negative one subtracts while down; `reverse` inverts.
 */
export function adaptTrackChoice(d: Directive, out: Diagnostic[]): TrackChoiceConfig | undefined {
  const [instance, tracker, ...rest] = d.args;
  if (instance === undefined || tracker === undefined || d.block !== undefined) {
    out.push(configError('TANDEM_CONFIG_ARGS', 'track needs INSTANCE TRACKER [weight N] [reverse]', d.loc));
    return undefined;
  }
  let weight = 0;
  let reverse = false;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (w === undefined) break;
    if (w.text === 'reverse') {
      reverse = true;
      continue;
    }
    const value = rest[i + 1];
    // keepalived's track_script weight range; ±254 is refused there too (`vrrp_track.c`).
    if (w.text === 'weight' && value !== undefined && /^-?\d+$/.test(value.text)) {
      const n = Number(value.text);
      if (n < -253 || n > 253) {
        out.push(configError('TANDEM_CONFIG_VALUE', `weight ${value.text} must be in -253..253`, value.loc));
        return undefined;
      }
      weight = n;
      i++;
      continue;
    }
    out.push(configError('TANDEM_CONFIG_VALUE', `invalid track parameter "${w.text}"`, w.loc));
    return undefined;
  }
  return { instance: instance.text, tracker: tracker.text, weight, reverse, loc: d.loc };
}

/**
 * Whether an unknown top-level directive may belong to a plugin: it is kept for the plugin check
 * (which refuses it, located, when no loaded plugin owns it) instead of being refused here, before
 * plugins are loaded.
 */
export function isExtensionName(name: string): boolean {
  return EXTENSION_NAME.test(name);
}
