import type { ClientRequest } from './client-request.js';
import { configError, type Diagnostic } from '../../core/diagnostic.js';

/** What a request offers to nginx variables, computed once per request. */
export interface RequestVars {
  readonly req: ClientRequest;
  /** `$host`: the Host header without port, lower-cased, else the server's first name. */
  readonly host: string;
  /** `$uri`: the normalized, decoded path. */
  readonly uri: string;
  /** `$args`: the query string without `?`, or ''. */
  readonly args: string;
  /** `$proxy_host` of the location being served. */
  readonly proxyHost: string;
  readonly serverName: string;
}

type Getter = (v: RequestVars) => string;

/** An evaluated-per-request value: a literal, or parts to concatenate. */
export type Template = string | readonly (string | Getter)[];

function remoteAddr(v: RequestVars): string {
  return v.req.socket.remoteAddress ?? '';
}

/** `$proxy_add_x_forwarded_for`: the client's XFF values joined with ", ", then `$remote_addr`. */
function addXff(v: RequestVars): string {
  const xff = v.req.header('x-forwarded-for', ', ');
  return xff === undefined || xff === '' ? remoteAddr(v) : `${xff}, ${remoteAddr(v)}`;
}

const builtins: Readonly<Record<string, Getter>> = {
  host: (v) => v.host,
  remote_addr: remoteAddr,
  remote_port: (v) => String(v.req.socket.remotePort ?? ''),
  proxy_add_x_forwarded_for: addXff,
  scheme: () => 'http',
  proxy_host: (v) => v.proxyHost,
  proxy_port: (v) => {
    const i = v.proxyHost.lastIndexOf(':');
    return i > 0 && !v.proxyHost.endsWith(']') ? v.proxyHost.slice(i + 1) : '80';
  },
  server_port: (v) => String(v.req.socket.localPort ?? ''),
  server_addr: (v) => v.req.socket.localAddress ?? '',
  server_name: (v) => v.serverName,
  server_protocol: (v) => `HTTP/${v.req.httpVersion}`,
  request_uri: (v) => v.req.url,
  request_method: (v) => v.req.method,
  uri: (v) => v.uri,
  document_uri: (v) => v.uri,
  args: (v) => v.args,
  query_string: (v) => v.args,
  is_args: (v) => (v.args === '' ? '' : '?'),
};

/**
 * `$http_NAME` as nginx 1.22 evaluates it: Cookie lines joined with "; " and X-Forwarded-For
 * lines with ", " (both kept as lists by nginx), any other header's first line only (joining
 * every line came with nginx 1.23).
 */
function httpHeader(name: string): Getter {
  const header = name.replace(/_/g, '-');
  if (header === 'cookie' || header === 'x-forwarded-for') {
    // nginx 1.22 joins Cookie lines with "; " and X-Forwarded-For lines with ", ".
    const join = header === 'cookie' ? '; ' : ', ';
    return (v) => v.req.header(header, join) ?? '';
  }
  return (v) => {
    const raw = v.req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i] ?? '';
      if (n.length === header.length && n.toLowerCase() === header) return raw[i + 1] ?? '';
    }
    return '';
  };
}

/**
 * `$arg_NAME` as nginx `ngx_http_arg` finds it: the first `NAME=` argument of the query, the name
 * matched case-insensitively, the value raw (not URL-decoded) up to the next `&`; '' when absent.
 */
function queryArg(name: string): Getter {
  return (v) => {
    const args = v.args;
    let i = 0;
    while (i <= args.length) {
      const end = args.indexOf('&', i);
      const stop = end < 0 ? args.length : end;
      const eq = i + name.length;
      if (args.charCodeAt(eq) === 61 && eq <= stop && args.slice(i, eq).toLowerCase() === name)
        return args.slice(eq + 1, stop);
      i = stop + 1;
    }
    return '';
  };
}

/** The getter for one variable name, or undefined when nginx would say `unknown "x" variable`. */
export function variableGetter(name: string): Getter | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('http_') && lower.length > 5) return httpHeader(lower.slice(5));
  if (lower.startsWith('arg_') && lower.length > 4) return queryArg(lower.slice(4));
  return builtins[lower];
}

/**
 * Compiles a directive value with `$var` / `${var}` references into a {@link Template}. Unknown
 * variables give nginx's `unknown "x" variable` (which nginx, too, reports without a location).
 */
export function compileTemplate(text: string): { template: Template; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parts: (string | Getter)[] = [];
  const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const name = m[1] ?? m[2] ?? '';
    const getter = variableGetter(name);
    if (getter === undefined)
      diagnostics.push(configError('http.unknown-variable', `unknown "${name}" variable`));
    else parts.push(getter);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const only = parts[0];
  if (parts.length === 0) return { template: '', diagnostics };
  if (parts.length === 1 && typeof only === 'string') return { template: only, diagnostics };
  return { template: parts, diagnostics };
}

/** Evaluates a template for one request. */
export function evaluate(t: Template, v: RequestVars): string {
  if (typeof t === 'string') return t;
  let out = '';
  for (const p of t) out += typeof p === 'string' ? p : p(v);
  return out;
}

const keyCache = new Map<string, Template>();

/** Evaluates a `hash KEY` style template for a request, compiling it once (unknown variables expand to ''). */
export function evaluateKey(text: string, v: RequestVars): string {
  let t = keyCache.get(text);
  if (t === undefined) {
    t = compileTemplate(text).template;
    keyCache.set(text, t);
  }
  return evaluate(t, v);
}
