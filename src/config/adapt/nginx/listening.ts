import type { Directive } from '../../directive.js';
import type { NginxHttpConfig, NginxListenConfig, NginxStreamConfig } from '../../model/nginx.js';
import { parseNginxInt } from './units.js';

/** Listen parameters that do not make nginx open a socket of its own (they are per-server options). */
const SHARED_PARAMS = new Set(['ssl', 'http2', 'proxy_protocol']);

/** nginx 1.22's default `worker_connections` (ngx_event_core_init_conf). */
const DEFAULT_WORKER_CONNECTIONS = 512;

/**
 * How many listening sockets nginx opens for these listens (ngx_http_optimize_servers /
 * ngx_stream_optimize_servers): per port, family and protocol, a wildcard address serves every
 * address that is not bound on its own; `bind` and the socket options (backlog=, reuseport, ...)
 * force a socket of their own. Unix sockets count once per path.
 */
function countSockets(listens: readonly NginxListenConfig[]): number {
  const groups = new Map<string, { wildcard: boolean; own: Set<string>; shared: Set<string> }>();
  for (const l of listens) {
    const addresses = l.unixPath !== undefined ? [`unix:${l.unixPath}`] : l.addresses;
    const bound = l.otherParams.some((p) => !SHARED_PARAMS.has(p));
    for (const a of addresses) {
      const family = a.startsWith('unix:') ? a : a.includes(':') ? 'v6' : 'v4';
      const key = `${l.udp ? 'udp' : 'tcp'} ${family} ${l.port}`;
      const g = groups.get(key) ?? { wildcard: false, own: new Set<string>(), shared: new Set<string>() };
      if (a === '0.0.0.0' || a === '::') g.wildcard = true;
      else (bound ? g.own : g.shared).add(a);
      groups.set(key, g);
    }
  }
  let n = 0;
  for (const g of groups.values()) {
    n += g.wildcard ? 1 + g.own.size : new Set([...g.own, ...g.shared]).size;
  }
  return n;
}

/**
 * nginx refuses a config whose listening sockets exceed `worker_connections` (ngx_event.c: each
 * socket needs a connection, plus one for the channel). Returns nginx's message, or undefined.
 */
export function checkWorkerConnections(
  top: readonly Directive[],
  http: NginxHttpConfig | undefined,
  stream: NginxStreamConfig | undefined,
): string | undefined {
  const events = top.find((d) => d.name === 'events');
  const wc = events?.block?.find((d) => d.name === 'worker_connections');
  const connections = parseNginxInt(wc?.args[0]?.text ?? '') ?? DEFAULT_WORKER_CONNECTIONS;
  const sockets =
    countSockets((http?.servers ?? []).flatMap((s) => s.listen)) +
    countSockets((stream?.servers ?? []).flatMap((s) => s.listen));
  return connections < sockets + 1
    ? `${connections} worker_connections are not enough for ${sockets} listening sockets`
    : undefined;
}
