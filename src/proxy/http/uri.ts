/**
 * Request-URI handling as nginx does it: `$uri` is the decoded path with `//`, `/./` and `/../`
 * resolved (`ngx_http_parse_complex_uri`, merge_slashes on), and a `proxy_pass` URI part
 * replaces the matched location prefix of that path (`ngx_http_proxy_create_request`).
 */

/** The parsed request target; `uri` is undefined when nginx would answer 400 Bad Request. */
export interface ParsedTarget {
  readonly uri: string | undefined;
  readonly args: string;
}

const simplePath = /^\/[^%]*$/;

/** Splits the request target into `$uri` (normalized) and `$args`. */
export function parseTarget(raw: string): ParsedTarget {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const args = q < 0 ? '' : raw.slice(q + 1);
  if (simplePath.test(path) && !path.includes('//') && !path.includes('/.')) return { uri: path, args };
  return { uri: normalizePath(path), args };
}

/** Decodes `%XX` and resolves dot segments; undefined for a bad escape or a path above the root. */
export function normalizePath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = path.includes('%') ? decodeURIComponent(path) : path;
  } catch {
    return undefined;
  }
  const out: string[] = [];
  const segs = decoded.split('/');
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i] ?? '';
    const lastSeg = i === segs.length - 1;
    if (s === '' && !lastSeg) continue; // merge_slashes
    if (s === '.') {
      if (lastSeg) out.push('');
      continue;
    }
    if (s === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      if (lastSeg) out.push('');
      continue;
    }
    out.push(s);
  }
  return `/${out.join('/')}`;
}

/** Escapes a decoded path for the upstream request line (nginx `NGX_ESCAPE_URI`). */
export function escapePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x20#%?\x7f-\uffff]/.test(path)) return path;
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte);
    out +=
      byte <= 0x20 || byte >= 0x7f || c === '#' || c === '%' || c === '?'
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : c;
  }
  return out;
}

/**
 * The URI sent upstream. Without a URI part the client's original target is passed unchanged.
 * With one, the matched prefix of `$uri` is replaced by it and the arguments are appended
 * (`location /e2/ { proxy_pass http://u/x/; }`: `/e2/a?b` → `/x/a?b`). For regex locations nginx
 * refuses a URI part at config time; here it is ignored.
 */
export function upstreamUri(
  rawTarget: string,
  uri: string,
  args: string,
  locationPath: string,
  prefixMatch: boolean,
  passUri: string | undefined,
): string {
  if (passUri === undefined || !prefixMatch) return rawTarget;
  const rest = uri.startsWith(locationPath) ? uri.slice(locationPath.length) : uri;
  const path = passUri + escapePath(rest);
  return args === '' ? path : `${path}?${args}`;
}
