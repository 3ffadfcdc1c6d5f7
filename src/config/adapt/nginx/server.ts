import type { Directive } from '../../directive.js';
import type { NginxHttpProxySettings, NginxListenConfig, NginxReturnConfig } from '../../model/nginx.js';
import type { AdaptContext } from './adapt-context.js';
import { adaptListen, listenAddrTexts } from './listen.js';
import { adaptLocation, checkDuplicateLocations, type LocationDraft } from './location.js';
import { mergeProxyLevel, newProxyLevel, readProxyDirective } from './proxy-settings.js';
import { checkPattern } from './regex.js';
import { adaptReturn } from './return.js';

/** An http server whose proxy_pass targets are resolved once every upstream block is known. */
export interface ServerDraft {
  readonly listen: readonly NginxListenConfig[];
  readonly serverNames: readonly string[];
  readonly return?: NginxReturnConfig;
  readonly proxy: NginxHttpProxySettings;
  readonly locations: readonly LocationDraft[];
  readonly loc: Directive['loc'];
}

function defaultListen(d: Directive, port: number): NginxListenConfig {
  return {
    text: `*:${port}`,
    host: '*',
    port,
    ipv6: false,
    addresses: ['0.0.0.0'],
    defaultServer: false,
    udp: false,
    otherParams: [],
    loc: d.loc,
  };
}

/**
 * Adapts an http `server` block: listen (default *:80 as root, *:8000 otherwise), server_name
 * (default ""), a server-level return, proxy settings merged over the http level, and locations.
 * A server listening twice on one address is "a duplicate listen" (ngx_http_add_server).
 */
export function adaptHttpServer(
  d: Directive,
  ctx: AdaptContext,
  inherited: NginxHttpProxySettings,
): ServerDraft {
  const children = ctx.valid(d.block);
  const level = newProxyLevel();
  for (const c of children) readProxyDirective(c, level, ctx);
  const proxy = mergeProxyLevel(inherited, level);
  const listen: NginxListenConfig[] = [];
  const names: string[] = [];
  const locations: LocationDraft[] = [];
  let ret: NginxReturnConfig | undefined;
  for (const c of children) {
    switch (c.name) {
      case 'listen': {
        const l = adaptListen(c, ctx, 'http');
        if (l === undefined) break;
        const taken = new Set(listen.flatMap(listenAddrTexts));
        const dup = listenAddrTexts(l).find((t) => taken.has(t));
        if (dup !== undefined) ctx.error(c, `a duplicate listen ${dup}`);
        else listen.push(l);
        break;
      }
      case 'server_name':
        for (const a of c.args) {
          // ngx_http_core_server_name warns and goes on.
          if (a.text.includes('/')) ctx.warn(a, `server name "${a.text}" has suspicious symbols`);
          // ngx_http_core_server_name: `~` starts a regex (matched case-insensitively).
          if (a.text.startsWith('~')) checkPattern(a.text.slice(1), true, c, ctx);
          names.push(a.text);
        }
        break;
      case 'return': {
        const r = adaptReturn(c, ctx);
        ret ??= r;
        break;
      }
      case 'location': {
        const l = adaptLocation(c, ctx, proxy, undefined);
        if (l !== undefined) locations.push(l);
        break;
      }
      default:
        break;
    }
  }
  checkDuplicateLocations(locations, ctx);
  if (ret === undefined && !children.some((c) => c.name === 'location')) {
    ctx.warn(
      d,
      'server has no location and no return: nginx would serve static files, Tandem does not',
      'TANDEM_NGINX_UNHONOURED',
    );
  }
  return {
    listen: listen.length > 0 ? listen : [defaultListen(d, ctx.defaultListenPort)],
    serverNames: names.length > 0 ? names : [''],
    ...(ret === undefined ? {} : { return: ret }),
    proxy,
    locations,
    loc: d.loc,
  };
}

/** Listen parameters that are options of the socket itself (they set `lsopt.set` in ngx_http_core_listen). */
const SOCKET_OPTIONS =
  /^(bind|deferred|reuseport|backlog=|rcvbuf=|sndbuf=|ipv6only=|so_keepalive=|fastopen=)/;

/**
 * The rules of servers sharing an address (ngx_http_add_addresses): "a duplicate default server for
 * ADDR" when two claim default_server, "duplicate listen options for ADDR" when two set socket options.
 */
export function checkDefaultServers(servers: readonly ServerDraft[], ctx: AdaptContext): void {
  const seen = new Set<string>();
  const optioned = new Set<string>();
  for (const s of servers) {
    for (const l of s.listen) {
      if (l.otherParams.some((p) => SOCKET_OPTIONS.test(p))) {
        for (const text of listenAddrTexts(l)) {
          if (optioned.has(text)) ctx.error(l.loc, `duplicate listen options for ${text}`);
          optioned.add(text);
        }
      }
      if (!l.defaultServer) continue;
      for (const text of listenAddrTexts(l)) {
        if (seen.has(text)) ctx.error(l.loc, `a duplicate default server for ${text}`);
        seen.add(text);
      }
    }
  }
}
