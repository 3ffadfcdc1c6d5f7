/** Response headers nginx never passes from the upstream (hop-by-hop, and proxy_hide_header defaults). */
const hidden = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'date',
  'server',
  'x-pad',
  'x-accel-expires',
  'x-accel-redirect',
  'x-accel-limit-rate',
  'x-accel-buffering',
  'x-accel-charset',
]);

/** Headers nginx keeps in fixed slots and writes right after Server and Date (ngx_http_header_filter). */
const early = ['content-type', 'content-length', 'last-modified', 'location'];

let dateSecond = -1;
let dateText = '';

/** The `Date` value, formatted once per second (as nginx's cached time and Node's utcDate). */
export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The headers sent to the client for an upstream response, in nginx's order: `Server`, `Date`,
 * then Content-Type, Content-Length, Last-Modified and Location, then every other upstream header
 * in its original order, minus the hidden ones (`ngx_http_header_filter`, `proxy_hide_header`).
 * Node appends the framing and connection headers it manages after these. `mapLocation` is the
 * `proxy_redirect` rewrite.
 */
export function clientHeaders(
  upstream: readonly string[],
  signature: string,
  mapLocation?: (value: string) => string,
): string[] {
  const out: string[] = ['Server', signature, 'Date', httpDate()];
  for (const want of early) {
    for (let i = 0; i + 1 < upstream.length; i += 2) {
      const name = upstream[i] ?? '';
      if (name.length === want.length && name.toLowerCase() === want) {
        const value = upstream[i + 1] ?? '';
        out.push(name, want === 'location' && mapLocation !== undefined ? mapLocation(value) : value);
        break;
      }
    }
  }
  for (let i = 0; i + 1 < upstream.length; i += 2) {
    const name = upstream[i] ?? '';
    const lower = name.toLowerCase();
    if (hidden.has(lower) || early.includes(lower)) continue;
    out.push(name, upstream[i + 1] ?? '');
  }
  return out;
}
