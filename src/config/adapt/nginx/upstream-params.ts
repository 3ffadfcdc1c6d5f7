import type {
  NginxProxyPassConfig,
  NginxUpstreamConfig,
  NginxUpstreamServerConfig,
} from '../../model/nginx.js';
import { implicitUpstreamParams, type ServerParams, type UpstreamParams } from '../../../proxy/upstream/params.js';

function serverParamsOf(s: NginxUpstreamServerConfig): ServerParams {
  return {
    name: s.address,
    weight: s.weight,
    maxFails: s.maxFails,
    failTimeout: s.failTimeoutMs,
    backup: s.backup,
    down: s.down,
    maxConns: s.maxConns,
  };
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
    method: b.method,
    ...(options === undefined ? {} : { options }),
    servers: u.servers.map(serverParamsOf),
  };
}

/**
 * The implicit upstream for a `proxy_pass http://host:port` that names no `upstream` block, built by
 * the balancer's {@link implicitUpstreamParams}. Undefined when the target is a named upstream or
 * the URL holds variables.
 */
export function implicitUpstreamOf(p: NginxProxyPassConfig): UpstreamParams | undefined {
  const t = p.target;
  if (t === undefined || t.kind === 'upstream') return undefined;
  const name = t.kind === 'unix' ? `unix:${t.path}` : t.ipv6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  return implicitUpstreamParams(name, [name]);
}
