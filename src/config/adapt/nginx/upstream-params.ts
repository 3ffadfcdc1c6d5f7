import type {
  NginxProxyPassConfig,
  NginxUpstreamConfig,
  NginxUpstreamServerConfig,
} from '../../model/nginx.js';
import {
  implicitUpstreamParams,
  type ServerParams,
  type UpstreamParams,
} from '../../../proxy/upstream/params.js';

/** `addr:port` as nginx prints a peer in `$upstream_addr` (IPv6 in brackets). */
function socketText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * One peer per resolved address of a server line, all with the line's parameters and its text as
 * `name` (ngx_http_upstream_init_round_robin; the consistent-hash ring hashes the text).
 */
function serverParamsOf(s: NginxUpstreamServerConfig): ServerParams[] {
  const base = {
    name: s.address,
    weight: s.weight,
    maxFails: s.maxFails,
    failTimeout: s.failTimeoutMs,
    backup: s.backup,
    down: s.down,
    maxConns: s.maxConns,
  };
  const addresses = s.addresses ?? [];
  if (s.port === undefined || addresses.length === 0) return [base];
  const port = s.port;
  return addresses.map((a) => ({ ...base, address: socketText(a, port) }));
}

/**
 * Maps an `upstream` block of the model onto the balancer's input (src/proxy/upstream/params.ts):
 * servers in config order with their parameters, the method and its options.
 */
export function upstreamParamsOf(u: NginxUpstreamConfig): UpstreamParams {
  const b = u.balancer;
  const options =
    b.method === 'hash'
      ? { key: b.key, consistent: b.consistent }
      : b.method === 'random'
        ? { two: b.two }
        : undefined;
  return {
    name: u.name,
    method: u.pluginMethod ?? b.method,
    ...(options === undefined ? {} : { options }),
    servers: u.servers.flatMap(serverParamsOf),
  };
}

/**
 * The implicit upstream for a `proxy_pass http://host:port` that names no `upstream` block, built by
 * the balancer's {@link implicitUpstreamParams}: one peer per address the host resolved to when the
 * config was read. Undefined when the target is a named upstream or the URL holds variables.
 */
export function implicitUpstreamOf(p: NginxProxyPassConfig): UpstreamParams | undefined {
  const t = p.target;
  if (t === undefined || t.kind === 'upstream') return undefined;
  if (t.kind === 'unix') return implicitUpstreamParams(`unix:${t.path}`, [`unix:${t.path}`]);
  const name = t.ipv6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  return implicitUpstreamParams(
    name,
    t.addresses.map((a) => socketText(a, t.port)),
  );
}
