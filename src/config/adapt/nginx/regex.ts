import type { Directive } from '../../directive.js';
import type { AdaptContext } from './adapt-context.js';

/**
 * Warns when a regular expression (a `location ~` or a `server_name ~`) uses syntax JavaScript cannot
 * run: nginx compiles it with PCRE2, Tandem with the JavaScript engine, so Tandem could not route by
 * it (and nginx itself refuses many such patterns: "pcre2_compile() failed").
 */
export function checkPattern(pattern: string, caseless: boolean, d: Directive, ctx: AdaptContext): void {
  try {
    new RegExp(pattern, caseless ? 'i' : '');
  } catch {
    ctx.warn(d, `regular expression "${pattern}" uses syntax Tandem cannot match`, 'TANDEM_NGINX_UNHONOURED');
  }
}
