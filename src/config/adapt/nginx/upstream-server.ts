import type { Directive } from '../../directive.js';
import type { NginxUpstreamServerConfig } from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { parseNginxInt, parseNginxTime } from './units.js';
import { parseNginxUrl } from './url.js';

/** http or stream: they differ in the default port and in whether one is required. */
export type UpstreamFlavour = 'http' | 'stream';

/**
 * Reads `server ADDR [weight=N] [max_conns=N] [max_fails=N] [fail_timeout=T] [backup] [down]` as
 * ngx_http_upstream_server / ngx_stream_upstream_server do: parameters first (in order, stopping at
 * the first bad one), then the address. `backupAllowed` is false once ip_hash, hash or random was
 * declared above the line (NGX_HTTP_UPSTREAM_BACKUP is not in their flags).
 */
export function adaptUpstreamServer(
  d: Directive,
  ctx: AdaptContext,
  flavour: UpstreamFlavour,
  backupAllowed: boolean,
): NginxUpstreamServerConfig | undefined {
  let weight = 1;
  let maxConns = 0;
  let maxFails = 1;
  let failTimeoutSec = 10;
  let backup = false;
  let down = false;
  for (const w of d.args.slice(1)) {
    const p = w.text;
    let problem: string | undefined;
    if (p.startsWith('weight=')) {
      const n = parseNginxInt(p.slice(7));
      if (n === undefined || n === 0) problem = `invalid parameter "${p}"`;
      else weight = n;
    } else if (p.startsWith('max_conns=')) {
      const n = parseNginxInt(p.slice(10));
      if (n === undefined) problem = `invalid parameter "${p}"`;
      else maxConns = n;
    } else if (p.startsWith('max_fails=')) {
      const n = parseNginxInt(p.slice(10));
      if (n === undefined) problem = `invalid parameter "${p}"`;
      else maxFails = n;
    } else if (p.startsWith('fail_timeout=')) {
      const n = parseNginxTime(p.slice(13), true);
      if (n === undefined) problem = `invalid parameter "${p}"`;
      else failTimeoutSec = n;
    } else if (p === 'backup') {
      if (backupAllowed) backup = true;
      else problem = `balancing method does not support parameter "${p}"`;
    } else if (p === 'down') {
      down = true;
    } else {
      problem = `invalid parameter "${p}"`;
    }
    if (problem !== undefined) {
      ctx.error(w, problem);
      return undefined;
    }
  }
  const address = arg(d, 0);
  const url = parseNginxUrl(address, {
    defaultPort: flavour === 'http' ? 80 : 0,
    uriPart: false,
    listen: false,
  });
  if (url.err !== undefined) {
    ctx.error(d, `${url.err} in upstream "${address}"`);
    return undefined;
  }
  if (flavour === 'stream' && url.noPort && url.unixPath === undefined) {
    ctx.error(d, `no port in upstream "${address}"`);
    return undefined;
  }
  const addresses = url.unixPath !== undefined ? [] : ctx.addressesOf(url.host, url.ipv6);
  if (url.unixPath === undefined && addresses.length === 0) {
    ctx.error(d, `host not found in upstream "${address}"`);
    return undefined;
  }
  const where =
    url.unixPath !== undefined ? { unixPath: url.unixPath } : { host: url.host, port: url.port, addresses };
  return {
    address,
    ...where,
    weight,
    maxConns,
    maxFails,
    failTimeoutMs: failTimeoutSec * 1000,
    backup,
    down,
    loc: d.loc,
  };
}
