import type { Directive } from '../../directive.js';
import type { NginxHttpProxySettings, NginxLocationConfig, NginxReturnConfig } from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { readHttpProxyPass, type PendingProxyPass } from './proxy-pass.js';
import { mergeProxyLevel, newProxyLevel, readProxyDirective } from './proxy-settings.js';
import { checkPattern } from './regex.js';
import { adaptReturn } from './return.js';

type Match = NginxLocationConfig['match'];
type MatchPath = { readonly match: Match; readonly path: string };

/** A location whose proxy_pass is resolved once the whole http block is read. */
export interface LocationDraft {
  readonly match: Match;
  readonly path: string;
  readonly proxyPass?: PendingProxyPass;
  readonly return?: NginxReturnConfig;
  readonly proxy: NginxHttpProxySettings;
  readonly locations: readonly LocationDraft[];
  readonly loc: Directive['loc'];
}

/** Content handlers Tandem does not implement (each already warned): no second warning for them. */
const OTHER_HANDLERS = new Set([
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'grpc_pass',
  'memcached_pass',
  'empty_gif',
  'stub_status',
  'flv',
  'mp4',
  'try_files',
]);

const MODIFIERS: Readonly<Record<string, Match>> = {
  '=': 'exact',
  '~': 'regex',
  '~*': 'iregex',
  '^~': 'prefix-no-regex',
};

/** ngx_http_core_location: `location [mod] PATH`, or the modifier glued to the path (`=/x`, `~*\.php$`). */
function matchOf(d: Directive, ctx: AdaptContext): MatchPath | undefined {
  if (d.args.length === 2) {
    const match = MODIFIERS[arg(d, 0)];
    if (match === undefined) {
      ctx.error(d, `invalid location modifier "${arg(d, 0)}"`);
      return undefined;
    }
    return { match, path: arg(d, 1) };
  }
  const text = arg(d, 0);
  if (text.startsWith('=')) return { match: 'exact', path: text.slice(1) };
  if (text.startsWith('^~')) return { match: 'prefix-no-regex', path: text.slice(2) };
  if (text.startsWith('~*')) return { match: 'iregex', path: text.slice(2) };
  if (text.startsWith('~')) return { match: 'regex', path: text.slice(1) };
  if (text.startsWith('@')) return { match: 'named', path: text };
  return { match: 'prefix', path: text };
}

/** The nesting rules of ngx_http_core_location, in its order and with its messages. */
function nestingError(child: MatchPath, parent: MatchPath | undefined): string | undefined {
  if (parent === undefined) return undefined;
  if (parent.match === 'exact')
    return `location "${child.path}" cannot be inside the exact location "${parent.path}"`;
  if (parent.match === 'named')
    return `location "${child.path}" cannot be inside the named location "${parent.path}"`;
  if (child.match === 'named') return `named location "${child.path}" can be on the server level only`;
  // A non-regex child must start with the parent's name, even when the parent is a regex.
  const regex = child.match === 'regex' || child.match === 'iregex';
  if (!regex && !child.path.startsWith(parent.path))
    return `location "${child.path}" is outside location "${parent.path}"`;
  return undefined;
}

function checkRegex(m: MatchPath, d: Directive, ctx: AdaptContext): void {
  if (m.match === 'regex' || m.match === 'iregex') checkPattern(m.path, m.match === 'iregex', d, ctx);
}

/** Checks "duplicate location" among siblings (exact and prefix locations, ngx_http_join_exact_locations). */
export function checkDuplicateLocations(list: readonly LocationDraft[], ctx: AdaptContext): void {
  const seen = new Set<string>();
  for (const l of list) {
    if (l.match === 'regex' || l.match === 'iregex') continue;
    const key = `${l.match === 'exact' ? '=' : l.match === 'named' ? '@' : ''}${l.path}`;
    if (seen.has(key)) ctx.error(l.loc, `duplicate location "${l.path}"`);
    seen.add(key);
  }
}

/**
 * Adapts a `location` block: its proxy settings are merged over `inherited` (the server's, or the
 * enclosing location's), nested locations inherit from it in turn.
 */
export function adaptLocation(
  d: Directive,
  ctx: AdaptContext,
  inherited: NginxHttpProxySettings,
  parent: MatchPath | undefined,
): LocationDraft | undefined {
  const m = matchOf(d, ctx);
  if (m === undefined) return undefined;
  const nesting = nestingError(m, parent);
  if (nesting !== undefined) {
    ctx.error(d, nesting);
    return undefined;
  }
  checkRegex(m, d, ctx);
  const level = newProxyLevel();
  const children = ctx.valid(d.block);
  for (const c of children) readProxyDirective(c, level, ctx);
  const proxy = mergeProxyLevel(inherited, level);
  let proxyPass: PendingProxyPass | undefined;
  let ret: NginxReturnConfig | undefined;
  const nested: LocationDraft[] = [];
  for (const c of children) {
    if (c.name === 'proxy_pass') {
      if (proxyPass !== undefined) {
        ctx.error(c, '"proxy_pass" directive is duplicate');
        continue;
      }
      const noUri = m.match === 'regex' || m.match === 'iregex' || m.match === 'named';
      proxyPass = readHttpProxyPass(c, ctx, noUri);
    } else if (c.name === 'return') {
      const r = adaptReturn(c, ctx);
      ret ??= r;
    } else if (c.name === 'location') {
      const child = adaptLocation(c, ctx, proxy, m);
      if (child !== undefined) nested.push(child);
    }
  }
  checkDuplicateLocations(nested, ctx);
  // Without a handler nginx's static module serves files from `root` here; Tandem serves no files.
  if (proxyPass === undefined && ret === undefined && !children.some((c) => OTHER_HANDLERS.has(c.name))) {
    ctx.warn(
      d,
      `location "${m.path}" has no proxy_pass or return: nginx would serve static files there, Tandem does not`,
      'TANDEM_NGINX_UNHONOURED',
    );
  }
  return {
    ...m,
    ...(proxyPass === undefined ? {} : { proxyPass }),
    ...(ret === undefined ? {} : { return: ret }),
    proxy,
    locations: nested,
    loc: d.loc,
  };
}
