import { isIPv6 } from 'node:net';
import { parseNginxInt } from './units.js';

/** How a URL is being read: the flags ngx_url_t carries into ngx_parse_url. */
export interface UrlOptions {
  readonly defaultPort: number;
  /** proxy_pass may carry a URI part after the address. */
  readonly uriPart: boolean;
  /** `listen`: a bare number is a port, `*` is every address, and port ranges are allowed. */
  readonly listen: boolean;
}

/** A parsed address (ngx_url_t after ngx_parse_url), or nginx's error text in `err`. */
export interface ParsedUrl {
  readonly err?: string;
  /** Host without brackets; `*` for a wildcard listen. Empty for unix sockets. */
  readonly host: string;
  readonly port: number;
  /** True when no port was written and `defaultPort` was used. */
  readonly noPort: boolean;
  readonly ipv6: boolean;
  readonly unixPath?: string;
  /** From the first `/` or `?` on (proxy_pass). */
  readonly uri?: string;
  /** The host is an IPv4/IPv6 literal or `*`: nothing to resolve. */
  readonly literal: boolean;
  /** A `listen` port range `8000-8010` (the upper bound). */
  readonly lastPort?: number;
}

const fail = (err: string): ParsedUrl => ({
  err,
  host: '',
  port: 0,
  noPort: true,
  ipv6: false,
  literal: false,
});

/**
 * ngx_inet_addr: digits and exactly three dots, each part at most 255; an empty part counts as 0, so
 * `127.0.0.` is 127.0.0.0 to nginx (and never reaches the resolver).
 */
export function isNginxIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]*$/.test(p) && (p === '' || Number(p) <= 255));
}

function parsePort(text: string): number | undefined {
  const n = parseNginxInt(text);
  return n === undefined || n < 1 || n > 65535 ? undefined : n;
}

function portWithRange(text: string, listen: boolean): { port?: number; last?: number; err?: string } {
  const dash = listen ? text.indexOf('-') : -1;
  if (dash < 0) {
    const port = parsePort(text);
    return port === undefined ? { err: 'invalid port' } : { port };
  }
  const port = parsePort(text.slice(0, dash));
  const last = parsePort(text.slice(dash + 1));
  if (port === undefined || last === undefined) return { err: 'invalid port' };
  if (port > last) return { err: 'invalid port range' };
  return { port, last };
}

function parseUnix(url: string, opts: UrlOptions): ParsedUrl {
  let path = url.slice(5);
  let uri: string | undefined;
  if (opts.uriPart) {
    const colon = path.indexOf(':');
    if (colon >= 0) {
      uri = path.slice(colon + 1);
      path = path.slice(0, colon);
    }
  }
  if (path.length === 0) return fail('no path in the unix domain socket');
  const base = { host: '', port: 0, noPort: true, ipv6: false, unixPath: path, literal: true };
  return uri === undefined ? base : { ...base, uri };
}

function parseInet6(url: string, opts: UrlOptions): ParsedUrl {
  const close = url.indexOf(']');
  if (close < 0) return fail('invalid host');
  let last = url.length;
  let uri: string | undefined;
  const slash = url.indexOf('/', close + 1);
  if (slash >= 0) {
    if (opts.listen || !opts.uriPart) return fail('invalid host');
    uri = url.slice(slash);
    last = slash;
  }
  const host = url.slice(1, close);
  let port = opts.defaultPort;
  let noPort = true;
  let lastPort: number | undefined;
  if (close + 1 < last) {
    if (url[close + 1] !== ':') return fail('invalid host');
    const p = portWithRange(url.slice(close + 2, last), opts.listen);
    if (p.err !== undefined || p.port === undefined) return fail(p.err ?? 'invalid port');
    port = p.port;
    noPort = false;
    lastPort = p.last;
  }
  if (host.length === 0) return fail('no host');
  if (!isIPv6(host)) return fail('invalid IPv6 address');
  const out: ParsedUrl = { host, port, noPort, ipv6: true, literal: true };
  return { ...out, ...(uri === undefined ? {} : { uri }), ...(lastPort === undefined ? {} : { lastPort }) };
}

/**
 * ngx_parse_url for the forms Tandem meets: `unix:/path`, `[v6]:port`, `host:port`, a bare host
 * (default port) and, for `listen`, a bare port or `*:port`. Errors carry nginx's wording
 * ("invalid port", "invalid host", "no host", ...). Host names are not resolved here.
 */
export function parseNginxUrl(url: string, opts: UrlOptions): ParsedUrl {
  if (url.length >= 5 && url.slice(0, 5).toLowerCase() === 'unix:') return parseUnix(url, opts);
  if (url.startsWith('[')) return parseInet6(url, opts);
  let last = url.length;
  let uri: string | undefined;
  const slash = url.indexOf('/');
  const question = url.indexOf('?');
  const uriAt = question >= 0 && (slash < 0 || question < slash) ? question : slash;
  let colon = url.indexOf(':');
  if (uriAt >= 0) {
    if (opts.listen || !opts.uriPart) return fail('invalid host');
    uri = url.slice(uriAt);
    last = uriAt;
    if (uriAt < colon) colon = -1;
  }
  let port = opts.defaultPort;
  let noPort = true;
  let lastPort: number | undefined;
  let hostEnd = last;
  if (colon >= 0) {
    const p = portWithRange(url.slice(colon + 1, last), opts.listen);
    if (p.err !== undefined || p.port === undefined) return fail(p.err ?? 'invalid port');
    port = p.port;
    noPort = false;
    lastPort = p.last;
    hostEnd = colon;
  } else if (uri === undefined && opts.listen && /^[0-9]/.test(url)) {
    // "test value as port only": `listen 8080` and `listen 8000-8010`.
    const p = portWithRange(url, true);
    if (p.err === undefined && p.port !== undefined) {
      const out: ParsedUrl = { host: '*', port: p.port, noPort: false, ipv6: false, literal: true };
      return p.last === undefined ? out : { ...out, lastPort: p.last };
    }
    if (parseNginxInt(url.split('-')[0] ?? '') !== undefined) return fail(p.err ?? 'invalid port');
  }
  const host = url.slice(0, hostEnd);
  if (host.length === 0) return fail('no host');
  const literal = (opts.listen && host === '*') || isNginxIPv4(host);
  const out: ParsedUrl = { host, port, noPort, ipv6: false, literal };
  return { ...out, ...(uri === undefined ? {} : { uri }), ...(lastPort === undefined ? {} : { lastPort }) };
}
