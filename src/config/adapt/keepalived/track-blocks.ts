/**
 * The tracked-object blocks at the top level: `track_file NAME { }` / `vrrp_track_file`
 * (keepalived trackers/track_file.c) and `vrrp_track_process NAME { }` (vrrp_parser.c).
 */
import type { Directive } from '../../directive.js';
import type { TrackFileConfig, TrackProcessConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';

/** Reads a track_file block; undefined when keepalived drops it (no file). */
export function adaptTrackFile(ctx: KaContext, d: Directive): TrackFileConfig | undefined {
  const name = d.args[0]?.text ?? '';
  let file: string | undefined;
  let weight = 1;
  let weightSet = false;
  let reverse = false;
  let initFile: { value: number; overwrite: boolean } | undefined;
  for (const k of d.block ?? []) {
    const a1 = k.args[0];
    if (k.name === 'file') {
      if (a1 === undefined) ctx.error('track file file name missing', k.loc);
      else if (file !== undefined)
        ctx.error(`File already set for track file ${name} - ignoring ${a1.text}`, k.loc);
      else file = a1.text;
    } else if (k.name === 'weight') {
      if (a1 === undefined) ctx.error(`No weight specified for track file ${name} - ignoring`, k.loc);
      else if (weightSet) ctx.error(`Weight already set for track file ${name} - ignoring ${a1.text}`, k.loc);
      else {
        const v = ctx.int(a1, -254, 254);
        if (v === undefined)
          ctx.error(
            `Weight (${a1.text}) for track_file ${name} must be between [-254..254] inclusive. Ignoring...`,
            k.loc,
          );
        else {
          weight = v;
          weightSet = true;
        }
        const opt = k.args[1];
        if (opt !== undefined && opt.text === 'reverse') reverse = true;
        else if (opt !== undefined) ctx.error(`track_file ${name} unknown weight option ${opt.text}`, k.loc);
      }
    } else if (k.name === 'init_file') {
      let value = 0;
      let overwrite = false;
      for (const w of k.args) {
        if (w.text === 'overwrite') overwrite = true;
        else {
          const v = ctx.int(w, -2147483648, 2147483647);
          if (v === undefined) ctx.error(`Track file ${name} init value ${w.text} is invalid`, k.loc);
          else value = v;
        }
      }
      initFile = { value, overwrite };
    } else ctx.unknown(k);
  }
  if (file === undefined) {
    ctx.error(`No file set for track_file ${name} - ignoring`, d.loc);
    return undefined;
  }
  const base = { name, loc: d.loc, file, weight, reverse };
  return initFile === undefined ? base : { ...base, initFile };
}

/** Reads a vrrp_track_process block; undefined when it names no process. */
export function adaptTrackProcess(ctx: KaContext, d: Directive): TrackProcessConfig | undefined {
  const name = d.args[0]?.text ?? '';
  const out: { -readonly [K in keyof TrackProcessConfig]: TrackProcessConfig[K] } = {
    name,
    loc: d.loc,
    process: '',
    params: [],
    paramMatch: 'none',
    fullCommand: false,
    weight: 0,
    reverse: false,
    quorum: 1,
    quorumMax: 0,
    terminateDelayMs: 0,
    forkDelayMs: 0,
  };
  for (const k of d.block ?? []) {
    const a1 = k.args[0];
    switch (k.name) {
      case 'process':
        if (a1 === undefined) break;
        if (out.process !== '')
          ctx.error(`Process already set for track process ${name} - ignoring ${a1.text}`, k.loc);
        else {
          out.process = a1.text;
          out.params = k.args.slice(1).map((w) => w.text);
          if (out.params.length > 0) {
            if (out.paramMatch === 'none') out.paramMatch = 'exact';
            out.fullCommand = true;
          }
        }
        break;
      case 'param_match':
        if (a1 === undefined) out.paramMatch = 'exact';
        else if (a1.text === 'initial' || a1.text === 'partial') out.paramMatch = a1.text;
        else {
          ctx.error(`Invalid param_match type ${a1.text} - ignoring`, k.loc);
          break;
        }
        out.fullCommand = true;
        break;
      case 'weight': {
        if (a1 === undefined) {
          ctx.error(`No weight specified for track process ${name} - ignoring`, k.loc);
          break;
        }
        const v = ctx.int(a1, -254, 254);
        if (v === undefined) {
          ctx.error(
            `Weight (${a1.text}) for vrrp_track_process ${name} must be between [-254..254] inclusive. Ignoring...`,
            k.loc,
          );
          break;
        }
        out.weight = v;
        const opt = k.args[1];
        if (opt?.text === 'reverse') out.reverse = true;
        else if (opt !== undefined)
          ctx.error(`vrrp_track_process ${name} unknown weight option ${opt.text}`, k.loc);
        break;
      }
      case 'quorum':
      case 'quorum_max': {
        const w = ctx.arg(k, 1);
        if (w === undefined) break;
        const v = ctx.unsigned(w, k.name === 'quorum' ? 1 : 0, 65535);
        if (v === undefined) {
          const range = k.name === 'quorum' ? '[1..65535]' : '[0..65535]';
          ctx.error(
            `${k.name === 'quorum' ? 'Quorum' : 'quorum_max'} (${w.text}) for vrrp_track_process ${name} must be between ${range} inclusive. Ignoring...`,
            k.loc,
          );
        } else if (k.name === 'quorum') out.quorum = v;
        else out.quorumMax = v;
        break;
      }
      case 'delay':
      case 'terminate_delay':
      case 'fork_delay': {
        const w = ctx.arg(k, 1);
        if (w === undefined) break;
        const v = ctx.decimal(w, 1, 3600 * 1000000, 6);
        if (v === undefined) {
          const prefix = k.name === 'delay' ? '' : k.name.replace('delay', '');
          ctx.error(
            `${prefix}delay (${w.text}) for vrrp_track_process ${name} must be between [0.000001..3600] inclusive. Ignoring...`,
            k.loc,
          );
          break;
        }
        if (k.name !== 'fork_delay') out.terminateDelayMs = Math.round(v / 1000);
        if (k.name !== 'terminate_delay') out.forkDelayMs = Math.round(v / 1000);
        break;
      }
      case 'full_command':
        out.fullCommand = true;
        break;
      default:
        ctx.unknown(k);
    }
  }
  if (out.process === '') {
    ctx.error(`No process specified for track process ${name} - ignoring`, d.loc);
    return undefined;
  }
  return out;
}
