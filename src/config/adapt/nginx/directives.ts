import { NGINX_DIRECTIVE_ROWS } from './directive-rows.js';

/**
 * Where a directive stands, as nginx's `cf->cmd_type` says it: the main level, `events`, the http
 * levels (`sif`/`lif` are `if` blocks in a server or a location, `lmt` is `limit_except`), and the
 * stream levels (`sserver`, `supstream`).
 */
export type NginxContext =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'upstream'
  | 'sif'
  | 'lif'
  | 'lmt'
  | 'stream'
  | 'sserver'
  | 'supstream';

/** The module type a context accepts (`cf->module_type`): http directives are unknown to stream and so on. */
export type NginxModuleType = 'core' | 'event' | 'http' | 'stream' | 'conf';

/** What a generic nginx handler (ngx_conf_set_*_slot) does with the value; `-` is a module's own handler. */
export type NginxSlot =
  | 'flag'
  | 'num'
  | 'msec'
  | 'sec'
  | 'size'
  | 'off'
  | 'str'
  | 'str_array'
  | 'keyval'
  | 'bitmask'
  | 'enum'
  | 'bufs'
  | 'access'
  | 'path'
  | '-';

/** One directive of one module, from nginx's command tables. */
export interface NginxDirectiveSpec {
  readonly name: string;
  readonly module: NginxModuleType;
  /** `any` is NGX_ANY_CONF (`include`). */
  readonly contexts: ReadonlySet<NginxContext | 'any'>;
  readonly block: boolean;
  /** Allowed argument counts for NGX_CONF_TAKEn; `flag` is exactly 1; `1+`/`2+` at least; `any` unchecked. */
  readonly args: ReadonlySet<number> | 'flag' | '1+' | '2+' | 'any';
  readonly slot: NginxSlot;
}

function parseArgs(spec: string): NginxDirectiveSpec['args'] {
  const parts = spec.split('|').filter((p) => p !== 'block');
  if (parts.includes('any')) return 'any';
  if (parts.includes('flag')) return 'flag';
  if (parts.includes('1+')) return '1+';
  if (parts.includes('2+')) return '2+';
  const counts = new Set<number>();
  for (const p of parts) for (const digit of p) counts.add(Number(digit));
  return counts;
}

const BY_NAME = new Map<string, NginxDirectiveSpec[]>();
for (const [name, module, contexts, args, slot] of NGINX_DIRECTIVE_ROWS) {
  const spec: NginxDirectiveSpec = {
    name,
    module: module as NginxModuleType,
    contexts: new Set(contexts.split(' ') as (NginxContext | 'any')[]),
    block: args.split('|').includes('block'),
    args: parseArgs(args),
    slot: slot as NginxSlot,
  };
  const list = BY_NAME.get(name) ?? [];
  list.push(spec);
  BY_NAME.set(name, list);
}

/** Every module's definition of `name`, in nginx's module order; empty when nginx does not know it. */
export function directiveSpecs(name: string): readonly NginxDirectiveSpec[] {
  return BY_NAME.get(name) ?? [];
}

/** The module type whose directives a context accepts (besides `conf`, i.e. `include`). */
export function moduleTypeOf(context: NginxContext): NginxModuleType {
  switch (context) {
    case 'main':
      return 'core';
    case 'events':
      return 'event';
    case 'stream':
    case 'sserver':
    case 'supstream':
      return 'stream';
    case 'http':
    case 'server':
    case 'location':
    case 'upstream':
    case 'sif':
    case 'lif':
    case 'lmt':
      return 'http';
  }
}

/** True when `argc` arguments (the name excluded) satisfy the spec (ngx_conf_handler's argument_number). */
export function argsFit(spec: NginxDirectiveSpec, argc: number): boolean {
  const a = spec.args;
  if (a === 'any') return true;
  if (a === 'flag') return argc === 1;
  if (a === '1+') return argc >= 1;
  if (a === '2+') return argc >= 2;
  return argc <= 7 && a.has(argc);
}
