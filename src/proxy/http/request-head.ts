import type { Diagnostic } from '../../core/diagnostic.js';
import type { LocationParams } from './types.js';
import { compileTemplate, evaluate, type RequestVars, type Template } from './variables.js';

/**
 * nginx's proxy header defaults (`ngx_http_proxy_headers`), in the order nginx emits them after
 * the configured `proxy_set_header` entries: `Host $proxy_host`, `Connection close`, then the body
 * framing headers it computes itself, and the hop-by-hop headers it removes.
 */
const defaultNames = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'keep-alive',
  'expect',
  'upgrade',
];

/** The compiled recipe for the request head a location sends upstream. */
export interface HeadTemplate {
  readonly version: '1.0' | '1.1';
  /** Configured headers then the defaults not overridden, in emission order. */
  readonly headers: readonly { readonly name: string; readonly value: Template; readonly body: boolean }[];
  /** Lower-case names never copied from the client (set, defaulted or removed). */
  readonly skip: ReadonlySet<string>;
  readonly passRequestHeaders: boolean;
  /** True when the location forwards `Upgrade` (the WebSocket recipe), enabling tunnels on 101. */
  readonly forwardsUpgrade: boolean;
  /** True when `Connection` is sent empty or absent, i.e. the upstream connection may be kept alive. */
  readonly mayKeepAlive: boolean;
}

/** Marker values for the framing headers, filled per request. */
const bodyLength = '\u0000length';

/** Compiles a location's header settings; unknown variables become diagnostics. */
export function compileHead(loc: LocationParams): { head: HeadTemplate; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const headers: { name: string; value: Template; body: boolean }[] = [];
  const skip = new Set<string>();
  let forwardsUpgrade = false;
  let connection: string | undefined;
  for (const h of loc.setHeaders) {
    const lower = h.name.toLowerCase();
    skip.add(lower);
    if (lower === 'upgrade' && h.value !== '') forwardsUpgrade = true;
    if (lower === 'connection') connection = h.value;
    const c = compileTemplate(h.value);
    diagnostics.push(...c.diagnostics);
    headers.push({ name: h.name, value: c.template, body: false });
  }
  const defaults: Record<string, string> = { host: 'Host', connection: 'Connection' };
  for (const lower of defaultNames) {
    if (skip.has(lower)) continue;
    skip.add(lower);
    if (lower === 'host')
      headers.push({ name: 'Host', value: [(v: RequestVars) => v.proxyHost], body: false });
    else if (lower === 'connection')
      headers.push({ name: defaults[lower] ?? lower, value: 'close', body: false });
    else if (lower === 'content-length')
      headers.push({ name: 'Content-Length', value: bodyLength, body: true });
  }
  const mayKeepAlive = connection !== undefined && !/close/i.test(connection) && loc.httpVersion === '1.1';
  return {
    head: {
      version: loc.httpVersion,
      headers,
      skip,
      passRequestHeaders: loc.passRequestHeaders,
      forwardsUpgrade,
      mayKeepAlive,
    },
    diagnostics,
  };
}

/**
 * Builds the upstream request head: `METHOD URI HTTP/1.x`, the configured headers (an empty value
 * drops the header), the defaults, then the client's headers in their original order minus every
 * name set or defaulted (nginx 1.22 observed order, reference §3). `framing` is the computed body
 * header value: a length, `chunked`, or undefined for no body.
 */
export function buildHead(
  t: HeadTemplate,
  vars: RequestVars,
  method: string,
  uri: string,
  framing: number | 'chunked' | undefined,
): string {
  let out = `${method} ${uri} HTTP/${t.version}\r\n`;
  for (const h of t.headers) {
    if (h.body) {
      if (framing === 'chunked') out += 'Transfer-Encoding: chunked\r\n';
      else if (framing !== undefined) out += `Content-Length: ${framing}\r\n`;
      continue;
    }
    const value = evaluate(h.value, vars);
    if (value !== '') out += `${h.name}: ${value}\r\n`;
  }
  if (t.passRequestHeaders) {
    const raw = vars.req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] ?? '';
      if (t.skip.has(name.toLowerCase())) continue;
      out += `${name}: ${raw[i + 1] ?? ''}\r\n`;
    }
  }
  return `${out}\r\n`;
}
