import type { NginxContext } from './directives.js';

/**
 * What Tandem does with a directive nginx accepts (docs/nginx-compat.md is this table for people):
 * - `acted`: Tandem reads it into the model and behaves as nginx does;
 * - `silent`: a host or logging setting with no effect on how traffic is balanced; accepted quietly;
 * - `warned`: it changes what clients or upstreams see, and Tandem does not honour it: a located
 *   warning, and `tandem -t` fails (the file is valid nginx, but Tandem would not behave the same).
 */
export type NginxDirectivePolicy = 'acted' | 'silent' | 'warned';

const HTTP_PROXY = [
  'proxy_set_header',
  'proxy_http_version',
  'proxy_connect_timeout',
  'proxy_read_timeout',
  'proxy_send_timeout',
  'proxy_next_upstream',
  'proxy_next_upstream_tries',
  'proxy_next_upstream_timeout',
  'proxy_buffering',
  'proxy_pass_request_headers',
];

const STREAM_PROXY = [
  'proxy_connect_timeout',
  'proxy_timeout',
  'proxy_next_upstream',
  'proxy_next_upstream_tries',
  'proxy_next_upstream_timeout',
];

const UPSTREAM_COMMON = ['server', 'least_conn', 'hash', 'random', 'zone'];

/** Directives acted on, per context. */
export const ACTED: Readonly<Record<NginxContext, readonly string[]>> = {
  main: ['http', 'stream', 'load_module'],
  events: [],
  http: ['upstream', 'server', 'access_log', 'log_format', ...HTTP_PROXY],
  server: ['listen', 'server_name', 'location', 'return', ...HTTP_PROXY],
  location: ['proxy_pass', 'location', 'return', ...HTTP_PROXY],
  upstream: [
    ...UPSTREAM_COMMON,
    'ip_hash',
    'keepalive',
    'keepalive_timeout',
    'keepalive_requests',
    'keepalive_time',
  ],
  sif: [],
  lif: [],
  lmt: [],
  stream: ['upstream', 'server', ...STREAM_PROXY],
  sserver: ['listen', 'proxy_pass', ...STREAM_PROXY],
  supstream: UPSTREAM_COMMON,
};

/**
 * Accepted quietly wherever nginx allows them: logging, hash-table sizing, temp paths and static-file
 * tuning. Tandem logs in its own format (its admin API exports the nginx-compatible metrics) and
 * serves no static files, so none of these changes what a client or an upstream sees.
 */
export const SILENT_HTTP_STREAM: readonly string[] = [
  'access_log',
  'log_format',
  'error_log',
  'open_log_file_cache',
  'log_not_found',
  'log_subrequest',
  'sendfile',
  'sendfile_max_chunk',
  'tcp_nopush',
  'tcp_nodelay',
  'types',
  'default_type',
  'types_hash_max_size',
  'types_hash_bucket_size',
  'server_names_hash_max_size',
  'server_names_hash_bucket_size',
  'variables_hash_max_size',
  'variables_hash_bucket_size',
  'map_hash_max_size',
  'map_hash_bucket_size',
  'proxy_headers_hash_max_size',
  'proxy_headers_hash_bucket_size',
  'client_body_temp_path',
  'proxy_temp_path',
  'fastcgi_temp_path',
  'uwsgi_temp_path',
  'scgi_temp_path',
];

const ACTED_SETS = new Map<NginxContext, ReadonlySet<string>>(
  (Object.keys(ACTED) as NginxContext[]).map((c) => [c, new Set(ACTED[c])]),
);
const SILENT_SET = new Set(SILENT_HTTP_STREAM);

/**
 * The policy for a directive nginx accepted in `context`. Everything at the main level and in
 * `events` that Tandem does not act on (worker_processes, pid, user, events, ...) is a host setting.
 */
export function directivePolicy(name: string, context: NginxContext): NginxDirectivePolicy {
  if (name === 'include') return 'acted';
  if (ACTED_SETS.get(context)?.has(name) === true) return 'acted';
  if (context === 'main' || context === 'events') return 'silent';
  if (SILENT_SET.has(name)) return 'silent';
  return 'warned';
}
