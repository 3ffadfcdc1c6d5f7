import type { DecideNext, NextUpstreamContext, NextUpstreamParams } from './types.js';

/** nginx 1.22's defaults: `proxy_next_upstream error timeout`, no tries or time limit. */
export const defaultNextUpstream: NextUpstreamParams = {
  conditions: ['error', 'timeout'],
  tries: 0,
  timeoutMs: 0,
};

/** Methods nginx treats as non-idempotent (`NGX_HTTP_POST|NGX_HTTP_LOCK|NGX_HTTP_PATCH`). */
const nonIdempotent = new Set(['POST', 'LOCK', 'PATCH']);

/**
 * Builds nginx's next-upstream rule (reference/nginx.md §2; `ngx_http_upstream_next` and
 * `ngx_http_upstream_test_next`):
 * - transport failures (error/timeout/invalid_header) retry when listed, tries remain (counted
 *   after the failed peer was released), the body can be replayed and the time budget is not spent;
 * - an http_* status retries only when listed and more than one try is left (counted before the
 *   release); otherwise the upstream's own response is passed to the client;
 * - after the request was sent, POST/LOCK/PATCH retry only with `non_idempotent`.
 */
export function createNextUpstreamDecider(params: NextUpstreamParams): DecideNext {
  const listed = new Set<string>(params.conditions);
  const off = listed.has('off');
  const allowNonIdempotent = listed.has('non_idempotent');
  return (ctx: NextUpstreamContext) => {
    const isStatus = ctx.status !== undefined;
    const blocked =
      off ||
      !listed.has(ctx.failure) ||
      !ctx.replayable ||
      (params.timeoutMs > 0 && ctx.elapsedMs >= params.timeoutMs) ||
      (ctx.requestSent && nonIdempotent.has(ctx.method) && !allowNonIdempotent);
    if (isStatus) return blocked || ctx.triesLeft <= 1 ? 'pass' : 'retry';
    return blocked || ctx.triesLeft <= 0 ? 'fail' : 'retry';
  };
}
