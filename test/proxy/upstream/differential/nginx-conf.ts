import { SERVER_DEFAULTS } from '../../../../src/index.js';
import type { Scenario } from './scenario.js';

/** The `http {}` body for a case: access log with the upstream variables, the upstream, one location. */
export function nginxHttpBlock(sc: Scenario, ports: ReadonlyMap<string, number>): string {
  const servers = serverLines(sc, ports);
  const loc: string[] = [];
  if (sc.next?.conditions !== undefined) loc.push(`proxy_next_upstream ${sc.next.conditions.join(' ')};`);
  if (sc.next?.tries !== undefined) loc.push(`proxy_next_upstream_tries ${sc.next.tries};`);
  if (sc.next?.timeoutMs !== undefined) loc.push(`proxy_next_upstream_timeout ${sc.next.timeoutMs}ms;`);
  if (sc.readTimeout !== undefined) loc.push(`proxy_read_timeout ${sc.readTimeout}ms;`);
  return `
  log_format lb '$http_x_req $status ua="$upstream_addr" us="$upstream_status"';
  access_log DIR/a.log lb;
  upstream u {
    ${methodLine(sc)}
${servers.join('\n')}
  }
  server {
    listen 127.0.0.1:PORT;
    location / {
      proxy_pass http://u;
      ${loc.join('\n      ')}
    }
  }`;
}

/** The balancing directive of a case (none for round robin). */
export function methodLine(sc: Scenario): string {
  switch (sc.method ?? 'round_robin') {
    case 'ip_hash':
      return 'ip_hash;';
    case 'hash':
      return `hash ${sc.options?.key ?? '$request_uri'}${sc.options?.consistent === true ? ' consistent' : ''};`;
    case 'least_conn':
      return 'least_conn;';
    case 'random':
      return sc.options?.two === true ? 'random two least_conn;' : 'random;';
    default:
      return '';
  }
}

/** The `server` lines of the upstream, nginx defaults left out, on the backends' real ports. */
export function serverLines(sc: Scenario, ports: ReadonlyMap<string, number>): string[] {
  return sc.servers.map((s) => {
    const p = { ...SERVER_DEFAULTS, ...s.params };
    const parts = [`server 127.0.0.1:${ports.get(s.backend) ?? 0}`];
    if (p.weight !== 1) parts.push(`weight=${p.weight}`);
    if (p.maxFails !== 1) parts.push(`max_fails=${p.maxFails}`);
    if (p.failTimeout !== 10_000) parts.push(`fail_timeout=${p.failTimeout / 1000}s`);
    if (p.maxConns > 0) parts.push(`max_conns=${p.maxConns}`);
    if (p.backup) parts.push('backup');
    if (p.down) parts.push('down');
    return `    ${parts.join(' ')};`;
  });
}
