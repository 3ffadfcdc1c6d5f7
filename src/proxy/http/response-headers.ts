import type { FailureKind } from './types.js';

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

/**
 * The headers sent to the client for an upstream response: the upstream's own, in order, minus
 * the hidden ones, plus `Server` (nginx sets its own Server and Date; Node adds Date).
 */
export function clientHeaders(upstream: readonly string[], signature: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < upstream.length; i += 2) {
    const name = upstream[i] ?? '';
    if (hidden.has(name.toLowerCase())) continue;
    out.push(name, upstream[i + 1] ?? '');
  }
  out.push('Server', signature);
  return out;
}

/** The next-upstream condition a status maps to (`ngx_http_upstream_next_errors`), if any. */
export const statusFailures: Readonly<Partial<Record<number, FailureKind>>> = {
  500: 'http_500',
  502: 'http_502',
  503: 'http_503',
  504: 'http_504',
  403: 'http_403',
  404: 'http_404',
  429: 'http_429',
};
