import type { E2eCase } from './cases.js';

/** The access-log format both engines write: request id, status and the upstream variables. */
export const LOG_FORMAT = `'$http_x_req $status ua="$upstream_addr" us="$upstream_status"'`;

/**
 * The ONE nginx.conf both engines run (reference/nginx.md §6.1): one worker without master (so
 * balancer state is one process's, as in Tandem), logs and temp paths in `dir`, every case's
 * upstream and a `location /NAME/` for it in one server on `port`.
 */
export function e2eConf(
  cases: readonly E2eCase[],
  ports: ReadonlyMap<string, number>,
  dir: string,
  port: number,
): string {
  const addr = (line: string): string =>
    line.replace(/\{(\w+)\}/g, (_all, id: string) => `127.0.0.1:${ports.get(id) ?? 0}`);
  const upstreams = cases.map(
    (c) => `    upstream ${c.name} {\n${c.upstream.map((l) => `        ${addr(l)}\n`).join('')}    }\n`,
  );
  const locations = cases.map(
    (c) =>
      `        location /${c.name}/ {\n            proxy_pass http://${c.name};\n` +
      (c.location ?? []).map((l) => `            ${l}\n`).join('') +
      '        }\n',
  );
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path ${dir}/t1; proxy_temp_path ${dir}/t2; fastcgi_temp_path ${dir}/t3;
    uwsgi_temp_path ${dir}/t4; scgi_temp_path ${dir}/t5;
    log_format e2e ${LOG_FORMAT};
    access_log ${dir}/access.log e2e;
${upstreams.join('')}    server {
        listen 127.0.0.1:${port};
${locations.join('')}    }
}
`;
}
