import type { Directive } from '../../directive.js';
import type {
  NginxBalancerConfig,
  NginxUpstreamConfig,
  NginxUpstreamKeepaliveConfig,
  NginxUpstreamServerConfig,
} from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { checkVariables } from './variables.js';
import { parseNginxInt, parseNginxSize, parseNginxTime } from './units.js';
import { adaptUpstreamServer, type UpstreamFlavour } from './upstream-server.js';

export type { UpstreamFlavour } from './upstream-server.js';

/** nginx 1.22 keepalive defaults (ngx_http_upstream_keepalive_merge_conf). */
const KEEPALIVE_DEFAULTS = { timeoutMs: 60_000, requests: 1000, timeMs: 3_600_000 } as const;

/** 8 pages of 4 KiB: the smallest zone nginx accepts (ngx_http_upstream_zone). */
const MIN_ZONE_BYTES = 8 * 4096;

function balancerOf(d: Directive, ctx: AdaptContext): NginxBalancerConfig | undefined {
  switch (d.name) {
    case 'least_conn':
      return { method: 'least_conn' };
    case 'ip_hash':
      return { method: 'ip_hash' };
    case 'hash': {
      const mode = d.args[1];
      if (mode !== undefined && mode.text !== 'consistent') {
        ctx.error(mode, `invalid parameter "${mode.text}"`);
        return undefined;
      }
      return { method: 'hash', key: arg(d, 0), consistent: mode !== undefined };
    }
    case 'random': {
      const [two, mode] = d.args;
      if (two !== undefined && two.text !== 'two') {
        ctx.error(two, `invalid parameter "${two.text}"`);
        return undefined;
      }
      if (mode !== undefined && mode.text !== 'least_conn') {
        ctx.error(mode, `invalid parameter "${mode.text}"`);
        return undefined;
      }
      return { method: 'random', two: two !== undefined };
    }
    default:
      return undefined;
  }
}

/**
 * Adapts an `upstream NAME { ... }` block (ngx_http_upstream and the balancer modules; the stream
 * module is the same without ip_hash and keepalive). Directive order matters as in nginx: a balancer
 * declared after `server ... backup` does not refuse it, a second balancer warns "load balancing
 * method redefined", and a balancer after `keepalive` replaces keepalive's init, turning it off.
 */
export function adaptUpstream(
  d: Directive,
  ctx: AdaptContext,
  flavour: UpstreamFlavour,
): NginxUpstreamConfig {
  let balancer: NginxBalancerConfig = { method: 'round_robin' };
  let initSet = false;
  let backupAllowed = true;
  let keepaliveConnections: number | undefined;
  let keepalive: Partial<Record<'timeoutMs' | 'requests' | 'timeMs', number>> = {};
  let zone: NginxUpstreamConfig['zone'];
  let keepaliveSeen = false;
  let badServer = false;
  const servers: NginxUpstreamServerConfig[] = [];
  for (const c of ctx.valid(d.block)) {
    switch (c.name) {
      case 'server': {
        const s = adaptUpstreamServer(c, ctx, flavour, backupAllowed);
        if (s !== undefined) servers.push(s);
        else badServer = true;
        break;
      }
      case 'least_conn':
      case 'ip_hash':
      case 'hash':
      case 'random': {
        if (c.name === 'hash') checkVariables(c.args[0], ctx);
        if (initSet) ctx.warn(c, 'load balancing method redefined');
        const b = balancerOf(c, ctx);
        if (b === undefined) break;
        balancer = b;
        initSet = true;
        backupAllowed = c.name === 'least_conn';
        if (keepaliveConnections !== undefined) {
          ctx.warn(
            c,
            `"${c.name}" after "keepalive" turns upstream keepalive off, as in nginx: declare it first`,
          );
        }
        keepaliveConnections = undefined;
        break;
      }
      case 'keepalive': {
        if (keepaliveSeen) {
          ctx.error(c, '"keepalive" directive is duplicate');
          break;
        }
        const n = parseNginxInt(arg(c, 0));
        if (n === undefined || n === 0) {
          ctx.error(c, `invalid value "${arg(c, 0)}" in "keepalive" directive`);
          break;
        }
        keepaliveConnections = n;
        keepaliveSeen = true;
        initSet = true;
        break;
      }
      case 'keepalive_timeout':
        keepalive = { ...keepalive, timeoutMs: parseNginxTime(arg(c, 0), false) ?? 0 };
        break;
      case 'keepalive_time':
        keepalive = { ...keepalive, timeMs: parseNginxTime(arg(c, 0), false) ?? 0 };
        break;
      case 'keepalive_requests':
        keepalive = { ...keepalive, requests: parseNginxInt(arg(c, 0)) ?? 0 };
        break;
      case 'zone':
        zone = adaptZone(c, ctx) ?? zone;
        break;
      default:
        break; // not acted on: the generic check classified and reported it
    }
  }
  // nginx stops at a bad line, so it never reaches the empty-upstream check.
  const hadInvalid = ctx.valid(d.block).length !== (d.block ?? []).length;
  if (servers.length === 0 && !badServer && !hadInvalid) {
    ctx.error(d, 'no servers are inside upstream');
  }
  const ka: NginxUpstreamKeepaliveConfig | undefined =
    keepaliveConnections === undefined
      ? undefined
      : { connections: keepaliveConnections, ...KEEPALIVE_DEFAULTS, ...keepalive };
  return {
    name: arg(d, 0),
    balancer,
    servers,
    ...(ka === undefined ? {} : { keepalive: ka }),
    ...(zone === undefined ? {} : { zone }),
    loc: d.loc,
  };
}

function adaptZone(d: Directive, ctx: AdaptContext): NginxUpstreamConfig['zone'] {
  const name = arg(d, 0);
  const sizeText = d.args[1]?.text;
  if (sizeText === undefined) return { name };
  const size = parseNginxSize(sizeText);
  if (size === undefined) {
    ctx.error(d, `invalid zone size "${sizeText}"`);
    return undefined;
  }
  if (size < MIN_ZONE_BYTES) {
    ctx.error(d, `zone "${name}" is too small`);
    return undefined;
  }
  return { name, sizeBytes: size };
}

/** Adapts the upstream blocks of http or stream, refusing a second one of a name ("duplicate upstream"). */
export function adaptUpstreams(
  children: readonly Directive[],
  ctx: AdaptContext,
  flavour: UpstreamFlavour,
): NginxUpstreamConfig[] {
  const out: NginxUpstreamConfig[] = [];
  for (const c of children) {
    if (c.name !== 'upstream') continue;
    const name = arg(c, 0);
    // ngx_http_upstream_add compares host names case-insensitively.
    if (out.some((u) => u.name.toLowerCase() === name.toLowerCase())) {
      ctx.error(c, `duplicate upstream "${name}"`);
      continue;
    }
    out.push(adaptUpstream(c, ctx, flavour));
  }
  // ngx_init_zone_pool: a zone named without a size must get one from another declaration.
  const sized = new Set(out.flatMap((u) => (u.zone?.sizeBytes === undefined ? [] : [u.zone.name])));
  for (const u of out) {
    if (u.zone !== undefined && u.zone.sizeBytes === undefined && !sized.has(u.zone.name)) {
      ctx.error(u.loc, `zero size shared memory zone "${u.zone.name}"`);
      sized.add(u.zone.name);
    }
  }
  return out;
}
