import type { Directive } from '../../directive.js';
import type { NginxReturnConfig } from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { parseNginxInt } from './units.js';
import { checkVariables } from './variables.js';

/**
 * Reads `return CODE [TEXT|URL]` or `return URL` as ngx_http_rewrite_return does: a lone URL starting
 * with http://, https:// or $scheme means 302; any other non-number, or a code above 999, is
 * "invalid return code". Several `return`s may stand in one block; the first one runs.
 */
export function adaptReturn(d: Directive, ctx: AdaptContext): NginxReturnConfig | undefined {
  const first = arg(d, 0);
  const code = parseNginxInt(first);
  if (code === undefined) {
    const isUrl = ['http://', 'https://', '$scheme'].some((p) => first.startsWith(p));
    if (d.args.length === 1 && isUrl) {
      checkVariables(d.args[0], ctx);
      return { code: 302, text: first, loc: d.loc };
    }
    ctx.error(d, `invalid return code "${first}"`);
    return undefined;
  }
  if (code > 999) {
    ctx.error(d, `invalid return code "${first}"`);
    return undefined;
  }
  const text = d.args[1];
  if (text === undefined) return { code, loc: d.loc };
  checkVariables(text, ctx);
  return { code, text: text.text, loc: d.loc };
}
