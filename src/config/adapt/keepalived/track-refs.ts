/**
 * Tracking lists inside vrrp_instance and vrrp_sync_group: track_interface, track_script, track_file,
 * track_process, track_bfd (keepalived vrrp_track.c `alloc_track_if` / `alloc_track_script`,
 * track_file.c). Objects must be defined earlier in the file; each entry may override the weight.
 */
import type { Directive } from '../../directive.js';
import type { TrackRefConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';

/** What a tracked name refers to, looked up in the objects defined so far. */
export interface TrackTarget {
  readonly weight: number;
  readonly reverse: boolean;
}

/** The kinds of tracking list, with keepalived's wording and weight limits. */
export type TrackKind = 'interface' | 'script' | 'file' | 'process' | 'bfd';

/** Reads the entries of one `track_* { }` block for instance or group `owner`. */
export function adaptTrackList(
  ctx: KaContext,
  d: Directive,
  kind: TrackKind,
  owner: string,
  lookup: (name: string) => TrackTarget | undefined,
): TrackRefConfig[] {
  const out: TrackRefConfig[] = [];
  const label = kind === 'interface' ? 'track_interface' : `track_${kind}`;
  for (const e of d.block ?? []) {
    const name = e.name;
    const target = lookup(name);
    if (target === undefined) {
      if (kind === 'interface')
        ctx.missingInterface(`(${owner}) tracked interface ${name} doesn't exist`, e.loc);
      else if (kind === 'script') ctx.error(`(${owner}) track script ${name} not found, ignoring...`, e.loc);
      else if (kind === 'file') ctx.error(`(${owner}) track file ${name} not found, ignoring...`, e.loc);
      else ctx.error(`(${owner}) ${label} ${name} not found, ignoring...`, e.loc);
      continue;
    }
    if (out.some((t) => t.name === name)) {
      ctx.error(`(${owner}) duplicate ${label} ${name} - ignoring`, e.loc);
      continue;
    }
    let weight = target.weight;
    let reverse = target.reverse;
    const key = e.args[0];
    if (key !== undefined) {
      if (key.text !== 'weight') {
        ctx.error(`(${owner}) unknown ${label} ${name} option ${key.text} - ignoring`, e.loc);
        continue;
      }
      const value = e.args[1];
      if (value === undefined) {
        ctx.error(`(${owner}) weight without value specified for ${label} ${name} - ignoring`, e.loc);
        continue;
      }
      const v = ctx.int(value, -254, 254);
      if (v === undefined) {
        ctx.error(
          `(${owner}) weight ${value.text} for ${name} must be between [-253..253] inclusive. Ignoring...`,
          e.loc,
        );
        weight = kind === 'interface' ? 0 : target.weight;
      } else if ((kind === 'interface' || kind === 'script') && Math.abs(v) === 254) {
        ctx.error(`(${owner}) weight for ${name} cannot be +/-254. Setting to +/-253`, e.loc);
        weight = v < 0 ? -253 : 253;
      } else weight = v;
      const opt = e.args[2];
      if (opt !== undefined) {
        if (opt.text === 'reverse') reverse = true;
        else if (opt.text === 'noreverse' && kind !== 'interface') reverse = false;
        else ctx.error(`(${owner}) unknown ${label} ${name} weight option ${opt.text} - ignoring`, e.loc);
      }
      ctx.extraWords(e, 3);
    }
    out.push({ name, weight, reverse, loc: e.loc });
  }
  return out;
}
