import { isAbsolute, join } from 'node:path';
import type { Directive } from '../../directive.js';
import type { NginxAccessLogConfig } from '../../model/nginx.js';

/** nginx's predefined `combined` format (ngx_http_log_module). */
export const COMBINED_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** Debian's compiled-in prefix (`nginx -V`: `--prefix=/usr/share/nginx`), for relative log paths. */
const NGINX_PREFIX = '/usr/share/nginx';

interface Format {
  readonly text: string;
  readonly escape: NginxAccessLogConfig['escape'];
}

/**
 * Reads the http-level `log_format` definitions and `access_log` directives into the model (the
 * checks nginx -t makes of them are `LogChecks`'). Targets Tandem cannot write (`syslog:`, `memory:`,
 * a path with variables) are left out; `access_log off` or none gives undefined. Server- and
 * location-level access logs stay accepted quietly (docs/nginx-compat.md).
 */
export function adaptAccessLogs(children: readonly Directive[]): NginxAccessLogConfig[] | undefined {
  const formats = new Map<string, Format>([['combined', { text: COMBINED_FORMAT, escape: 'default' }]]);
  for (const d of children) {
    if (d.name !== 'log_format') continue;
    const name = d.args[0]?.text ?? '';
    let rest = d.args.slice(1);
    let escape: Format['escape'] = 'default';
    const first = rest[0]?.text ?? '';
    if (first.startsWith('escape=')) {
      const v = first.slice(7);
      escape = v === 'json' || v === 'none' ? v : 'default';
      rest = rest.slice(1);
    }
    if (!formats.has(name)) formats.set(name, { text: rest.map((w) => w.text).join(''), escape });
  }
  const out: NginxAccessLogConfig[] = [];
  for (const d of children) {
    if (d.name !== 'access_log') continue;
    const target = d.args[0]?.text ?? '';
    if (target === 'off' || /^(syslog:|memory:)/.test(target) || target.includes('$')) continue;
    const formatName = d.args[1]?.text ?? 'combined';
    const format = formats.get(formatName);
    if (format === undefined) continue; // nginx -t: unknown log format (reported by LogChecks)
    // nginx `ngx_conf_open_file`: every target is a file, a relative one under the prefix.
    const path = isAbsolute(target) ? target : join(NGINX_PREFIX, target);
    out.push({ path, formatName, format: format.text, escape: format.escape, loc: d.loc });
  }
  return out.length > 0 ? out : undefined;
}
