import type { Directive } from '../../directive.js';

/** Blocks whose body a module's own handler reads line by line (cf->handler), not as directives. */
export const OPAQUE_BLOCKS: ReadonlySet<string> = new Set([
  'types',
  'map',
  'geo',
  'split_clients',
  'charset_map',
]);

/** One refused line of an opaque block, with nginx's message. */
export interface OpaqueProblem {
  readonly entry: Directive;
  readonly message: string;
}

function mapEntry(e: Directive): string | undefined {
  const argc = e.args.length + 1;
  // ngx_http_map: `hostnames` and `volatile` stand alone, every other line is "key value".
  if (argc === 1 && (e.name === 'hostnames' || e.name === 'volatile')) return undefined;
  return argc === 2 ? undefined : 'invalid number of the map parameters';
}

function geoEntry(e: Directive): string | undefined {
  const argc = e.args.length + 1;
  // ngx_http_geo: `ranges` and `proxy_recursive` stand alone, every other line has one value.
  if (argc === 1 && (e.name === 'ranges' || e.name === 'proxy_recursive')) return undefined;
  return argc === 2 ? undefined : 'invalid number of the geo parameters';
}

/**
 * Checks the lines of an opaque block the way its handler does: no nested block (ngx_conf_parse:
 * `unexpected "{"`), the argument counts of map and geo, and split_clients' percentages.
 */
export function checkOpaqueBlock(d: Directive): OpaqueProblem[] {
  const problems: OpaqueProblem[] = [];
  let percent = 0;
  for (const e of d.block ?? []) {
    if (e.block !== undefined) {
      problems.push({ entry: e, message: 'unexpected "{"' });
      continue;
    }
    let message: string | undefined;
    if (d.name === 'map') message = mapEntry(e);
    else if (d.name === 'geo') message = geoEntry(e);
    else if (d.name === 'split_clients') {
      if (e.name !== '*') {
        // ngx_conf_split_clients_block: "NN%" or "NN.NN%", at most two decimals.
        const m = /^([0-9]+)(?:\.([0-9]{1,2}))?%$/.exec(e.name);
        const n = m === null ? 0 : Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
        if (n === 0) message = `invalid percent value "${e.name}"`;
        else {
          percent += n;
          if (percent > 10_000) message = 'percent total is greater than 100%';
        }
      }
    }
    if (message !== undefined) problems.push({ entry: e, message });
  }
  return problems;
}
