/**
 * The LVS side of keepalived.conf (`virtual_server`, `virtual_server_group`, real servers and their
 * checkers; keepalived check/check_parser.c): kept in the model as blocks, with one clear warning
 * that Tandem does not run them yet. BFD instances are treated the same way.
 */
import type { Directive } from '../../directive.js';
import type { LvsBlockConfig } from '../../model/keepalived.js';
import type { KaContext } from './context.js';

/** Root keywords that belong to keepalived's checker (LVS) or BFD processes. */
export const LVS_ROOTS = new Set(['virtual_server', 'virtual_server_group', 'SSL', 'bfd_instance']);

/** Records an LVS/BFD block; the first one seen gets the not-supported warning. */
export function adaptLvs(ctx: KaContext, d: Directive, seen: number): LvsBlockConfig {
  if (seen === 0) {
    ctx.tandem(
      'TANDEM_KA_LVS_UNSUPPORTED',
      `${d.name} (the LVS/checker side of keepalived) is not supported by Tandem yet: it is parsed and ignored; use nginx.conf upstreams for load balancing`,
      d.loc,
    );
  }
  return { keyword: d.name, args: d.args.map((w) => w.text), loc: d.loc };
}
