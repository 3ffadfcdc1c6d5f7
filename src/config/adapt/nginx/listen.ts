import type { Directive } from '../../directive.js';
import type { NginxListenConfig } from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { parseNginxInt, parseNginxSize } from './units.js';
import { parseNginxUrl } from './url.js';

/** Parameters that take no value (ngx_http_core_listen / ngx_stream_core_listen on Linux). */
const HTTP_FLAGS = new Set(['bind', 'deferred', 'reuseport', 'ssl', 'http2', 'proxy_protocol']);
const STREAM_FLAGS = new Set(['bind', 'reuseport', 'ssl', 'proxy_protocol', 'udp']);

/** `name=value` parameters, with the check nginx applies and its message. */
const VALUED: Readonly<Record<string, (v: string) => boolean>> = {
  backlog: (v) => /^-?[0-9]+$/.test(v) && Number(v) !== 0,
  rcvbuf: (v) => parseNginxSize(v) !== undefined,
  sndbuf: (v) => parseNginxSize(v) !== undefined,
  fastopen: (v) => parseNginxInt(v) !== undefined,
  ipv6only: (v) => v === 'on' || v === 'off',
  so_keepalive: (v) => v === 'on' || v === 'off' || /^[0-9smhd]*:[0-9smhd]*:[0-9]*$/.test(v),
};

/** The socket addresses a listen binds, as nginx prints them ("a duplicate listen 0.0.0.0:8080"). */
export function listenAddrTexts(l: NginxListenConfig): string[] {
  if (l.unixPath !== undefined) return [`unix:${l.unixPath}`];
  return l.addresses.map((a) => (a.includes(':') ? `[${a}]:${l.port}` : `${a}:${l.port}`));
}

/**
 * Adapts `listen ADDR[:PORT] [params]` for http (`default_server`) or stream (`udp`), with nginx's
 * parameter checks and messages. Parameters other than default_server/udp are kept but not acted on.
 */
export function adaptListen(
  d: Directive,
  ctx: AdaptContext,
  flavour: 'http' | 'stream',
): NginxListenConfig | undefined {
  const text = arg(d, 0);
  const url = parseNginxUrl(text, { defaultPort: flavour === 'http' ? 80 : 0, uriPart: false, listen: true });
  if (url.err !== undefined) {
    ctx.error(d, `${url.err} in "${text}" of the "listen" directive`);
    return undefined;
  }
  // A stream listen without a port gets port 0 from nginx 1.22 (no check in ngx_stream_core_listen):
  // the kernel picks one. Tandem does the same, and says so.
  if (flavour === 'stream' && url.noPort && url.unixPath === undefined) {
    ctx.warn(d, `"${text}" has no port: the kernel will choose one, as with nginx`);
  }
  const addresses =
    url.unixPath !== undefined
      ? []
      : url.host === '*'
        ? [url.ipv6 ? '::' : '0.0.0.0']
        : ctx.addressesOf(url.host, url.ipv6);
  if (url.unixPath === undefined && addresses.length === 0) {
    ctx.error(d, `host not found in "${text}" of the "listen" directive`);
    return undefined;
  }
  let defaultServer = false;
  let udp = false;
  const otherParams: string[] = [];
  const flags = flavour === 'http' ? HTTP_FLAGS : STREAM_FLAGS;
  for (const w of d.args.slice(1)) {
    const p = w.text;
    if (flavour === 'http' && (p === 'default_server' || p === 'default')) {
      defaultServer = true;
      continue;
    }
    if (p === 'udp' && flavour === 'stream') {
      udp = true;
      continue;
    }
    const eq = p.indexOf('=');
    const check = eq > 0 ? VALUED[p.slice(0, eq)] : undefined;
    if (flags.has(p) || check !== undefined) {
      if (check !== undefined && !check(p.slice(eq + 1))) {
        ctx.error(w, `invalid ${p.slice(0, eq)} "${p}"`);
        return undefined;
      }
      otherParams.push(p);
      continue;
    }
    ctx.error(w, `invalid parameter "${p}"`);
    return undefined;
  }
  for (const p of otherParams)
    ctx.warn(d, `listen parameter "${p}" is not honoured by Tandem`, 'TANDEM_NGINX_UNHONOURED');
  if (url.lastPort !== undefined)
    ctx.warn(d, 'listen port ranges are not honoured by Tandem', 'TANDEM_NGINX_UNHONOURED');
  const base = {
    text,
    host: url.unixPath === undefined ? url.host : '',
    port: url.port,
    ipv6: url.ipv6,
    addresses,
  };
  return {
    ...base,
    ...(url.unixPath === undefined ? {} : { unixPath: url.unixPath }),
    defaultServer,
    udp,
    otherParams,
    loc: d.loc,
  };
}
