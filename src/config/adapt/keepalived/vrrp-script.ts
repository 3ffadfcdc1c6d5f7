/**
 * `vrrp_script NAME { }` (keepalived vrrp_parser.c l.2216, defaults vrrp_data.c `alloc_vrrp_script`):
 * interval 1 s, timeout 0 (= interval), weight 0 (failure means FAULT), rise 1, fall 1.
 */
import type { Directive } from '../../directive.js';
import type { VrrpScriptConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';
import type { GlobalState } from './global-defs.js';
import { defaultScriptUser, scriptArgv } from './scripts.js';

/** Keywords here that take a { } block; any other keyword followed by one gets keepalived's `Unexpected '{'`. */
const SCRIPT_BLOCKS = new Set<string>();

/** Reads one vrrp_script block; undefined when keepalived removes the script. */
export function adaptVrrpScript(ctx: KaContext, d: Directive, g: GlobalState): VrrpScriptConfig | undefined {
  const name = d.args[0]?.text ?? '';
  let argv: string[] | undefined;
  let intervalMs = 1000;
  let timeoutMs = 0;
  let weight = 0;
  let reverse = false;
  let rise = 1;
  let fall = 1;
  let initFail = false;
  let user: { user: string; group?: string } | undefined;
  let remove = false;
  for (const k of d.block ?? []) {
    if (!SCRIPT_BLOCKS.has(k.name)) ctx.strayBlock(k);
    const a1 = k.args[0];
    switch (k.name) {
      case 'script': {
        const parsed = scriptArgv(ctx, k);
        argv = parsed?.argv;
        if (parsed !== undefined && parsed.rest.length > 0) ctx.extraWords(k, 1);
        break;
      }
      case 'interval':
      case 'timeout': {
        const w = ctx.arg(k, 1);
        if (w === undefined) break;
        const v = ctx.unsigned(w, 0, 4294);
        if (v === undefined) {
          ctx.error(
            k.name === 'interval'
              ? `(${name}): vrrp script interval '${w.text}' must be between 1 and 4294 - ignoring`
              : `(${name}): vrrp script timeout '${w.text}' invalid - ignoring`,
            k.loc,
          );
          break;
        }
        if (v === 0)
          ctx.error(`(${name}): vrrp script ${k.name} must be greater than 0, setting to 1`, k.loc);
        if (k.name === 'interval') intervalMs = Math.max(1, v) * 1000;
        else timeoutMs = Math.max(1, v) * 1000;
        ctx.extraWords(k, 1);
        break;
      }
      case 'weight': {
        const w = ctx.arg(k, 1);
        if (w === undefined) break;
        const v = ctx.int(w, -253, 253);
        if (v === undefined) ctx.error(`vrrp_script ${name} weight ${w.text} must be in [-253, 253]`, k.loc);
        else weight = v;
        const opt = k.args[1];
        if (opt !== undefined) {
          if (opt.text === 'reverse') reverse = true;
          else ctx.error(`vrrp_script ${name} unknown weight option ${opt.text}`, k.loc);
        }
        ctx.extraWords(k, 2);
        break;
      }
      case 'rise':
      case 'fall': {
        const w = ctx.arg(k, 1);
        if (w === undefined) break;
        const v = ctx.unsigned(w, 1, 2147483647);
        if (v === undefined)
          ctx.error(`(${name}): vrrp script ${k.name} value '${w.text}' invalid, defaulting to 1`, k.loc);
        if (k.name === 'rise') rise = v ?? 1;
        else fall = v ?? 1;
        ctx.extraWords(k, 1);
        break;
      }
      case 'user': {
        const grp = k.args[1];
        if (
          a1 === undefined ||
          ctx.host.user(a1.text) === undefined ||
          (grp !== undefined && ctx.host.group(grp.text) === undefined)
        ) {
          ctx.error(`Unable to set uid/gid for script ${(argv ?? []).map((a) => `'${a}'`).join(' ')}`, k.loc);
          remove = true;
        } else {
          remove = false;
          user = grp === undefined ? { user: a1.text } : { user: a1.text, group: grp.text };
        }
        break;
      }
      case 'init_fail':
        initFail = true;
        break;
      default:
        ctx.unknown(k);
    }
  }
  if (argv === undefined || argv.length === 0) {
    ctx.error(`No script set for vrrp_script ${name} - removing`, d.loc);
    return undefined;
  }
  if (!remove && user === undefined) {
    user = defaultScriptUser(ctx, g, d.loc);
    if (user === undefined) {
      ctx.error(`Unable to set default user for vrrp script ${name} - removing`, d.loc);
      return undefined;
    }
  }
  if (remove || user === undefined) return undefined;
  const command =
    user.group === undefined
      ? { argv, user: user.user, loc: d.loc }
      : { argv, user: user.user, group: user.group, loc: d.loc };
  return { name, loc: d.loc, command, intervalMs, timeoutMs, weight, reverse, rise, fall, initFail };
}
