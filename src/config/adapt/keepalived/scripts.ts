/**
 * Script and notify commands (keepalived lib/notify.c `notify_script_init`, vrrp_parser.c
 * `vrrp_vscript_script_handler`): the raw line is re-split with quotes and escapes, the script
 * string is split again into argv, and words after it name the user and group to run as.
 */
import type { Directive } from '../../directive.js';
import type { ScriptCommandConfig } from '../../model/keepalived.js';
import { splitScriptWords } from '../../parse/keepalived-script-words.js';
import type { KaContext } from './context.js';
import type { GlobalState } from './global-defs.js';

function rawOf(ctx: KaContext, d: Directive): string {
  return ctx.rawLines.get(d) ?? [d.name, ...d.args.map((w) => (w.quoted ? `"${w.text}"` : w.text))].join(' ');
}

/**
 * get_default_script_user: `script_user`, else keepalived_script if that user exists, else root;
 * with enable_script_security a missing keepalived_script is an error, reported once.
 */
export function defaultScriptUser(
  ctx: KaContext,
  g: GlobalState,
  loc: Directive['loc'],
): { user: string; group?: string } | undefined {
  if (ctx.defaultUser === 'failed') return undefined;
  if (ctx.defaultUser !== undefined) return ctx.defaultUser;
  if (g.scriptUser !== undefined) {
    ctx.defaultUser =
      g.scriptGroup === undefined ? { user: g.scriptUser } : { user: g.scriptUser, group: g.scriptGroup };
    return ctx.defaultUser;
  }
  if (ctx.host.user('keepalived_script') !== undefined) ctx.defaultUser = { user: 'keepalived_script' };
  else if (g.enableScriptSecurity) {
    ctx.error('Unable to set default user keepalived_script for script', loc);
    ctx.defaultUser = 'failed';
    return undefined;
  } else ctx.defaultUser = { user: 'root' };
  return ctx.defaultUser;
}

/** Splits the script string (second word of the raw line) into argv. */
export function scriptArgv(ctx: KaContext, d: Directive): { argv: string[]; rest: string[] } | undefined {
  const line = splitScriptWords(rawOf(ctx, d));
  if (!line.ok) {
    ctx.error(line.message, d.loc);
    return undefined;
  }
  const script = line.words[1];
  if (script === undefined) return undefined;
  const argv = splitScriptWords(script);
  if (!argv.ok) {
    ctx.error(argv.message, d.loc);
    return undefined;
  }
  if (argv.words.length === 0) return undefined;
  return { argv: argv.words, rest: line.words.slice(2) };
}

/** A notify_* line: argv plus optional `user [group]`; undefined when keepalived drops it. */
export function adaptNotifyScript(
  ctx: KaContext,
  d: Directive,
  g: GlobalState,
): ScriptCommandConfig | undefined {
  const parsed = scriptArgv(ctx, d);
  if (parsed === undefined) return undefined;
  const [user, group] = parsed.rest;
  if (user !== undefined) {
    // An unknown user only makes keepalived log "Invalid user/group ... - ignoring" and drop the script.
    if (ctx.host.user(user) === undefined || (group !== undefined && ctx.host.group(group) === undefined)) {
      ctx.tandem(
        'TANDEM_KA_SCRIPT_DROPPED',
        `invalid user/group for ${d.name} script ${parsed.argv[0] ?? ''} - keepalived ignores the script`,
        d.loc,
      );
      return undefined;
    }
    if (parsed.rest.length > 2) ctx.extraWords(d, 3);
    return group === undefined
      ? { argv: parsed.argv, user, loc: d.loc }
      : { argv: parsed.argv, user, group, loc: d.loc };
  }
  const def = defaultScriptUser(ctx, g, d.loc);
  if (def === undefined) return undefined;
  return def.group === undefined
    ? { argv: parsed.argv, user: def.user, loc: d.loc }
    : { argv: parsed.argv, ...def, loc: d.loc };
}
