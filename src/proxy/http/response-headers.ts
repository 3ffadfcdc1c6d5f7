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
 * They are appended to `out`; the return value is the length `out` had after the fixed slots, where
 * nginx writes `Transfer-Encoding` and `Connection` (the response writer's `framingAt`).
 * `mapLocation` is the `proxy_redirect` rewrite.
 */
export function clientHeaders(
  out: string[],
  upstream: readonly string[],
  signature: string,
  mapLocation?: (value: string) => string,
): number {
  out.push('Server', signature, 'Date', httpDate());
  // One pass, each name lower-cased once: the first Content-Type/-Length, Last-Modified and
  // Location go to their fixed slots (later duplicates are dropped, as nginx's single slots do),
  // the rest keep their order. Runs per response, so no Set lookups for the common names.
  const slots: number[] = [-1, -1, -1, -1];
  let rest: number[] | undefined;
  for (let i = 0; i + 1 < upstream.length; i += 2) {
    const lower = (upstream[i] ?? '').toLowerCase();
    const slot = early.indexOf(lower);
    if (slot >= 0) {
      if (slots[slot] === -1) slots[slot] = i;
    } else if (!hidden.has(lower)) {
      (rest ??= []).push(i);
    }
  }
  for (let slot = 0; slot < slots.length; slot++) {
    const i = slots[slot] ?? -1;
    if (i < 0) continue;
    const value = upstream[i + 1] ?? '';
    out.push(upstream[i] ?? '', slot === 3 && mapLocation !== undefined ? mapLocation(value) : value);
  }
  const fixed = out.length;
  if (rest !== undefined) for (const i of rest) out.push(upstream[i] ?? '', upstream[i + 1] ?? '');
  return fixed;
}

/**
 * A byte that would end the header line early: the upstream parser splits lines on CRLF, so a bare
 * CR or LF can remain in a value and would inject a header. Other control bytes nginx passes on.
 */
const invalidValue = /[\r\n]/;

/** True when no value of `headers` (names and values alternating) has a bare CR or LF. */
export function validHeaderValues(headers: readonly string[]): boolean {
  for (let i = 1; i < headers.length; i += 2) if (invalidValue.test(headers[i] ?? '')) return false;
  return true;
}
