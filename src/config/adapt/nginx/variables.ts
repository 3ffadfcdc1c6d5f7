import type { Directive, Word } from '../../directive.js';
import type { AdaptContext } from './adapt-context.js';

// Built-in variable names of nginx 1.22.1 (the ngx_http_variable_t / ngx_stream_variable_t tables of the
// modules in Debian's build; names ending in `_` are prefixes such as `http_` and `arg_`).
// prettier-ignore
const HTTP_BUILTIN: readonly string[] = [
  'ancient_browser', 'arg_', 'args', 'binary_remote_addr', 'body_bytes_sent', 'bytes_sent', 'connection',
  'connection_requests', 'connection_time', 'connections_active', 'connections_reading',
  'connections_waiting', 'connections_writing', 'content_length', 'content_type', 'cookie_', 'date_gmt',
  'date_local', 'document_root', 'document_uri', 'fastcgi_path_info', 'fastcgi_script_name',
  'grpc_internal_trailers', 'host', 'hostname', 'http2', 'http_', 'http_cookie', 'http_host',
  'http_referer', 'http_user_agent', 'http_via', 'http_x_forwarded_for', 'https', 'is_args',
  'limit_conn_status', 'limit_rate', 'limit_req_status', 'modern_browser', 'msec', 'msie', 'nginx_version',
  'pid', 'pipe', 'proxy_add_via', 'proxy_add_x_forwarded_for', 'proxy_host', 'proxy_internal_body_length',
  'proxy_internal_chunked', 'proxy_port', 'proxy_protocol_addr', 'proxy_protocol_port',
  'proxy_protocol_server_addr', 'proxy_protocol_server_port', 'query_string', 'realip_remote_addr',
  'realip_remote_port', 'realpath_root', 'remote_addr', 'remote_port', 'remote_user', 'request',
  'request_body', 'request_body_file', 'request_completion', 'request_filename', 'request_id',
  'request_length', 'request_method', 'request_time', 'request_uri', 'scheme', 'sent_http_',
  'sent_http_cache_control', 'sent_http_connection', 'sent_http_content_length', 'sent_http_content_type',
  'sent_http_keep_alive', 'sent_http_last_modified', 'sent_http_link', 'sent_http_location',
  'sent_http_transfer_encoding', 'sent_trailer_', 'server_addr', 'server_name', 'server_port',
  'server_protocol', 'ssl_alpn_protocol', 'ssl_cipher', 'ssl_ciphers', 'ssl_client_cert',
  'ssl_client_escaped_cert', 'ssl_client_fingerprint', 'ssl_client_i_dn', 'ssl_client_i_dn_legacy',
  'ssl_client_raw_cert', 'ssl_client_s_dn', 'ssl_client_s_dn_legacy', 'ssl_client_serial',
  'ssl_client_v_end', 'ssl_client_v_remain', 'ssl_client_v_start', 'ssl_client_verify', 'ssl_curve',
  'ssl_curves', 'ssl_early_data', 'ssl_protocol', 'ssl_server_name', 'ssl_session_id',
  'ssl_session_reused', 'status', 'tcpinfo_rcv_space', 'tcpinfo_rtt', 'tcpinfo_rttvar', 'tcpinfo_snd_cwnd',
  'time_iso8601', 'time_local', 'upstream_addr', 'upstream_bytes_received', 'upstream_bytes_sent',
  'upstream_cache_etag', 'upstream_cache_last_modified', 'upstream_cache_status', 'upstream_connect_time',
  'upstream_cookie_', 'upstream_header_time', 'upstream_http_', 'upstream_response_length',
  'upstream_response_time', 'upstream_status', 'upstream_trailer_', 'uri',
  // Added by module preconfiguration rather than a table.
  'invalid_referer', 'secure_link', 'secure_link_expires', 'slice_range', 'gzip_ratio', 'uid_got', 'uid_set',
  'uid_reset',
];

// prettier-ignore
const STREAM_BUILTIN: readonly string[] = [
  'binary_remote_addr', 'bytes_received', 'bytes_sent', 'connection', 'hostname', 'limit_conn_status',
  'msec', 'nginx_version', 'pid', 'protocol', 'proxy_protocol_addr', 'proxy_protocol_port',
  'proxy_protocol_server_addr', 'proxy_protocol_server_port', 'realip_remote_addr', 'realip_remote_port',
  'remote_addr', 'remote_port', 'server_addr', 'server_port', 'session_time', 'ssl_alpn_protocol',
  'ssl_cipher', 'ssl_ciphers', 'ssl_client_cert', 'ssl_client_escaped_cert', 'ssl_client_fingerprint',
  'ssl_client_i_dn', 'ssl_client_raw_cert', 'ssl_client_s_dn', 'ssl_client_serial', 'ssl_client_v_end',
  'ssl_client_v_remain', 'ssl_client_v_start', 'ssl_client_verify', 'ssl_curve', 'ssl_curves',
  'ssl_preread_alpn_protocols', 'ssl_preread_protocol', 'ssl_preread_server_name', 'ssl_protocol',
  'ssl_server_name', 'ssl_session_id', 'ssl_session_reused', 'status', 'time_iso8601', 'time_local',
  'upstream_addr', 'upstream_bytes_received', 'upstream_bytes_sent', 'upstream_connect_time',
  'upstream_first_byte_time', 'upstream_session_time',
];

/** Which variable namespace a use belongs to: http and stream variables are separate in nginx. */
export type VariableScope = 'http' | 'stream';

/** One `$name` in a directive Tandem acts on. */
export interface VariableUse {
  readonly name: string;
  readonly scope: VariableScope;
  readonly word: Word;
}

/** The variables of a value as ngx_http_script_compile reads them, or nginx's complaint about one. */
export interface ScannedVariables {
  readonly names: readonly string[];
  readonly error?: string;
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Scans `$name`, `${name}` and the captures `$1`..`$9` as ngx_http_script_compile does: a `$` with no
 * name after it is "invalid variable name", an unclosed `${` is "the closing bracket ... is missing".
 */
export function scanVariables(text: string): ScannedVariables {
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      i++;
      continue;
    }
    if (++i === text.length) return { names, error: 'invalid variable name' };
    if (/[1-9]/.test(text[i] ?? '')) {
      i++;
      continue;
    }
    let bracket = false;
    if (text[i] === '{') {
      bracket = true;
      if (++i === text.length) return { names, error: 'invalid variable name' };
    }
    const start = i;
    let end = i;
    for (; i < text.length; i++) {
      const ch = text[i] ?? '';
      if (ch === '}' && bracket) {
        end = i++;
        bracket = false;
        break;
      }
      if (!NAME_CHAR.test(ch)) break;
      end = i + 1;
    }
    const name = text.slice(start, end);
    if (bracket) return { names, error: `the closing bracket in "${name}" variable is missing` };
    if (name.length === 0) return { names, error: 'invalid variable name' };
    names.push(name);
  }
  return { names };
}

/** The variable names of a value (see {@link scanVariables}). */
export function variableNames(text: string): readonly string[] {
  return scanVariables(text).names;
}

/**
 * Checks the variables a word uses: a malformed one is reported now; the names are recorded to be
 * checked once every definition in the file is known.
 */
export function checkVariables(
  word: Word | undefined,
  ctx: AdaptContext,
  scope: VariableScope = 'http',
): void {
  if (word === undefined) return;
  const scanned = scanVariables(word.text);
  if (scanned.error !== undefined) ctx.error(word, scanned.error);
  for (const name of scanned.names) ctx.variableUses.push({ name, scope, word });
}

function definedBy(d: Directive): Word | undefined {
  switch (d.name) {
    case 'set':
    case 'auth_request_set':
      return d.args[0];
    case 'map':
    case 'split_clients':
      return d.args[1];
    case 'geo':
      return d.args[d.args.length - 1];
    default:
      return undefined;
  }
}

/** Variables a config defines itself (`set`, `map`, `geo`, `split_clients`, `auth_request_set`), as `scope:name`. */
export function definedVariables(directives: readonly Directive[]): Set<string> {
  const out = new Set<string>();
  const visit = (list: readonly Directive[], scope: VariableScope): void => {
    for (const d of list) {
      const inner: VariableScope = d.name === 'stream' ? 'stream' : scope;
      const target = definedBy(d);
      if (target?.text.startsWith('$') === true) out.add(`${inner}:${target.text.slice(1).toLowerCase()}`);
      if (d.block !== undefined && d.name !== 'map' && d.name !== 'geo') visit(d.block, inner);
    }
  };
  visit(directives, 'http');
  return out;
}

const BUILTIN: Readonly<Record<VariableScope, readonly string[]>> = {
  http: HTTP_BUILTIN,
  stream: STREAM_BUILTIN,
};

/** True when nginx knows `name` in `scope`: built in, a prefix variable, or defined by the config. */
export function isKnownVariable(name: string, scope: VariableScope, defined: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  if (defined.has(`${scope}:${lower}`)) return true;
  return BUILTIN[scope].some((b) => (b.endsWith('_') ? lower.startsWith(b) : lower === b));
}

/**
 * Directives whose arguments hold regular expressions or patterns where `$` is an anchor, not a
 * variable; their arguments are not scanned by {@link genericVariableUses}.
 */
const PATTERN_DIRECTIVES = new Set([
  'location',
  'rewrite',
  'if',
  'server_name',
  'valid_referers',
  'proxy_redirect',
  'proxy_cookie_domain',
  'proxy_cookie_path',
  'gzip_disable',
  'ancient_browser',
  'modern_browser',
  'fastcgi_split_path_info',
]);

/**
 * The variable names used by a directive Tandem does not act on, so that an unknown one is refused as
 * nginx refuses it (`unknown "x" variable`): every argument except patterns and the names being defined.
 * Only well-formed names count here; syntax is checked where Tandem compiles the value itself.
 */
export function genericVariableUses(d: Directive, scope: VariableScope): VariableUse[] {
  if (PATTERN_DIRECTIVES.has(d.name)) return [];
  const defined = definedBy(d);
  // log_format NAME [escape=...] STRING...: the name is not a value.
  const args = d.name === 'log_format' ? d.args.slice(1) : d.args;
  return args
    .filter((w) => w !== defined)
    .flatMap((word) => scanVariables(word.text).names.map((name) => ({ name, scope, word })));
}
