import type { Directive } from '../../directive.js';
import type { NginxProxyPassConfig, NginxProxyTarget, NginxUpstreamConfig } from '../../model/nginx.js';
import { arg, type AdaptContext } from './adapt-context.js';
import { parseNginxUrl, type ParsedUrl } from './url.js';
import { checkVariables } from './variables.js';

/** A proxy_pass read from the file, waiting for every upstream block to be known (nginx resolves at init). */
export interface PendingProxyPass {
  readonly d: Directive;
  readonly url: ParsedUrl;
  readonly scheme?: 'http' | 'https';
  readonly hasVariables: boolean;
}

/**
 * Reads `proxy_pass URL` in a location (ngx_http_proxy_pass): a scheme is required ("invalid URL
 * prefix"), a URI part is refused in regex and named locations, and a URL with variables is kept as
 * text. `locationKind` is the enclosing location's match type.
 */
export function readHttpProxyPass(
  d: Directive,
  ctx: AdaptContext,
  noUriAllowed: boolean,
): PendingProxyPass | undefined {
  const text = arg(d, 0);
  checkVariables(d.args[0], ctx, 'http');
  // ngx_http_script_variables_count: any `$` makes the URL a script, evaluated per request.
  const hasVariables = text.includes('$');
  const lower = text.toLowerCase();
  const scheme = lower.startsWith('http://') ? 'http' : lower.startsWith('https://') ? 'https' : undefined;
  if (hasVariables)
    return {
      d,
      url: { host: '', port: 0, noPort: true, ipv6: false, literal: true },
      hasVariables,
      ...(scheme === undefined ? {} : { scheme }),
    };
  if (scheme === undefined) {
    ctx.error(d, 'invalid URL prefix');
    return undefined;
  }
  const rest = text.slice(scheme === 'http' ? 7 : 8);
  const url = parseNginxUrl(rest, {
    defaultPort: scheme === 'http' ? 80 : 443,
    uriPart: true,
    listen: false,
  });
  if (url.err !== undefined) {
    ctx.error(d, `${url.err} in upstream "${rest}"`);
    return undefined;
  }
  if (noUriAllowed && url.uri !== undefined && url.uri.length > 0) {
    ctx.error(
      d,
      '"proxy_pass" cannot have URI part in location given by regular expression, or inside named location, ' +
        'or inside "if" statement, or inside "limit_except" block',
    );
    return undefined;
  }
  return { d, url, scheme, hasVariables };
}

/** Reads `proxy_pass NAME|ADDR` in a stream server (ngx_stream_proxy_pass): no scheme, no URI. */
export function readStreamProxyPass(d: Directive, ctx: AdaptContext): PendingProxyPass | undefined {
  const text = arg(d, 0);
  checkVariables(d.args[0], ctx, 'stream');
  if (text.includes('$')) {
    return { d, url: { host: '', port: 0, noPort: true, ipv6: false, literal: true }, hasVariables: true };
  }
  const url = parseNginxUrl(text, { defaultPort: 0, uriPart: false, listen: false });
  if (url.err !== undefined) {
    ctx.error(d, `${url.err} in upstream "${text}"`);
    return undefined;
  }
  return { d, url, hasVariables: false };
}

/**
 * Resolves a proxy_pass against the upstream blocks, as ngx_http_upstream_add and the implicit
 * upstream's init do: a name matching an `upstream` block (case-insensitively) must carry no port;
 * anything else is one host:port, and a host name must resolve ("host not found in upstream").
 */
export function resolveProxyPass(
  p: PendingProxyPass,
  upstreams: readonly NginxUpstreamConfig[],
  ctx: AdaptContext,
  flavour: 'http' | 'stream',
): NginxProxyPassConfig | undefined {
  const base = {
    url: arg(p.d, 0),
    hasVariables: p.hasVariables,
    loc: p.d.loc,
    ...(p.scheme === undefined ? {} : { scheme: p.scheme }),
  };
  if (p.hasVariables) {
    ctx.warn(p.d, 'proxy_pass with variables is not honoured by Tandem', 'TANDEM_NGINX_UNHONOURED');
    return { ...base, proxyHost: '' };
  }
  const u = p.url;
  const uri = u.uri === undefined ? {} : { uri: u.uri };
  if (u.unixPath !== undefined) {
    const target: NginxProxyTarget = { kind: 'unix', path: u.unixPath };
    return { ...base, target, proxyHost: 'localhost', ...uri };
  }
  const hostText = u.ipv6 ? `[${u.host}]` : u.host;
  const named = upstreams.find((x) => x.name.toLowerCase() === hostText.toLowerCase());
  if (named !== undefined) {
    if (!u.noPort) {
      ctx.error(p.d, `upstream "${named.name}" may not have port ${u.port}`);
      return undefined;
    }
    return { ...base, target: { kind: 'upstream', name: named.name }, proxyHost: hostText, ...uri };
  }
  if (flavour === 'stream' && u.noPort) {
    ctx.error(p.d, `no port in upstream "${hostText}"`);
    return undefined;
  }
  const addresses = ctx.addressesOf(u.host, u.ipv6);
  if (addresses.length === 0) {
    ctx.error(p.d, `host not found in upstream "${hostText}"`);
    return undefined;
  }
  const defaultPort = p.scheme === 'https' ? 443 : 80;
  const proxyHost = u.noPort || u.port === defaultPort ? hostText : `${hostText}:${u.port}`;
  return {
    ...base,
    target: { kind: 'host', host: u.host, port: u.port, ipv6: u.ipv6, addresses },
    proxyHost,
    ...uri,
  };
}
