/**
 * nginx's `proxy_next_upstream` rules, in one place for every user: the HTTP data path (through
 * {@link createNextUpstreamDecider}) and the pure balancer loop of the differential simulation
 * (through {@link decideNextUpstream} / `finishAttempt`). The rule itself is
 * {@link nextUpstreamVerdict}: nginx `ngx_http_upstream_test_next` for statuses and
 * `ngx_http_upstream_next` for transport failures (reference/nginx.md §2).
 */
import type { PeerOutcome } from './upstream/peer-request.js';

/** A `proxy_next_upstream` (also `fastcgi_`, `grpc_`...) condition as written (nginx 1.22 spelling). */
export type NextUpstreamCondition =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'non_idempotent'
  | 'off';

/** How one attempt failed (nginx `NGX_HTTP_UPSTREAM_FT_*`): a socket error, a timeout, a bad header, or a status. */
export type FailureKind = Exclude<NextUpstreamCondition, 'non_idempotent' | 'off'>;

const BITS: Readonly<Record<NextUpstreamCondition, number>> = {
  error: 0x2,
  timeout: 0x4,
  invalid_header: 0x8,
  http_500: 0x10,
  http_502: 0x20,
  http_503: 0x40,
  http_504: 0x80,
  http_403: 0x100,
  http_404: 0x200,
  http_429: 0x400,
  non_idempotent: 0x10000,
  off: 0,
};

/** `proxy_next_upstream`, `proxy_next_upstream_tries` and `proxy_next_upstream_timeout` of one location. */
export interface NextUpstreamParams {
  /** The listed conditions; nginx's default is `error timeout`; `off` anywhere disables retries. */
  readonly conditions: readonly NextUpstreamCondition[];
  /** `proxy_next_upstream_tries`; 0 = unlimited (the default). */
  readonly tries: number;
  /** `proxy_next_upstream_timeout` in ms, measured from the first connect attempt; 0 = unlimited. */
  readonly timeoutMs: number;
}

/** nginx 1.22's defaults: `proxy_next_upstream error timeout`, no tries cap, no time limit. */
export const defaultNextUpstream: NextUpstreamParams = {
  conditions: ['error', 'timeout'],
  tries: 0,
  timeoutMs: 0,
};

/** Compiles the conditions to nginx's bit mask (`off` clears everything, as the proxy module's merge). */
export function nextUpstreamMask(conditions: readonly NextUpstreamCondition[]): number {
  if (conditions.includes('off')) return 0;
  let m = 0;
  for (const c of conditions) m |= BITS[c];
  return m;
}

/** The retryable kind of an upstream status (nginx `ngx_http_upstream_next_errors`), if any. */
export function failureKindOfStatus(status: number): FailureKind | undefined {
  switch (status) {
    case 500:
    case 502:
    case 503:
    case 504:
    case 403:
    case 404:
    case 429:
      return `http_${status}`;
    default:
      return undefined;
  }
}

/** Whether a failure kind is an upstream status (`http_*`) rather than a transport failure. */
export function isStatusFailure(kind: FailureKind): boolean {
  return kind.startsWith('http_');
}

/**
 * How a retried attempt frees its peer (nginx `ngx_http_upstream_next`): 403 and 404 as NEXT (never
 * counted toward max_fails), everything else as FAILED.
 */
export function retryOutcome(kind: FailureKind): PeerOutcome {
  return kind === 'http_403' || kind === 'http_404' ? 'next' : 'failed';
}

/** The facts of one failed attempt the rule looks at. */
export interface NextUpstreamFacts {
  readonly kind: FailureKind;
  /** The client request method: POST, LOCK and PATCH are non-idempotent once the request was sent. */
  readonly method: string;
  /** Whether any of the request reached the upstream (nginx `u->request_sent`). */
  readonly requestSent: boolean;
  /** False when a body streamed without buffering was (partly) sent: it cannot be sent again. */
  readonly replayable: boolean;
  /** Milliseconds since the first attempt began (nginx `u->peer.start_time`). */
  readonly elapsedMs: number;
}

/**
 * `retry`: try the next peer; `fail`: answer 502/504 now; `pass`: send the upstream's own
 * response to the client (http_* failures only).
 */
export type NextUpstreamVerdict = 'retry' | 'fail' | 'pass';

const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH']);

/**
 * THE next_upstream rule. `tries` is nginx's `u->peer.tries` where nginx reads it: for a status,
 * before the peer is freed (`test_next` retries only with more than one try left, otherwise the
 * response passes through and the peer is freed as a success); for a transport failure, after the
 * peer was freed as failed (and after the extra try of a failed cached connection), so 0 tries left
 * means 502/504. In both, the condition must be listed (with `non_idempotent` too for a sent POST,
 * LOCK or PATCH), the body must be replayable and `proxy_next_upstream_timeout` not spent.
 */
export function nextUpstreamVerdict(
  mask: number,
  timeoutMs: number,
  f: NextUpstreamFacts,
  tries: number,
): NextUpstreamVerdict {
  let ft = BITS[f.kind];
  if (f.requestSent && NON_IDEMPOTENT.has(f.method)) ft |= BITS.non_idempotent;
  const allowed = (mask & ft) === ft && f.replayable && !(timeoutMs > 0 && f.elapsedMs >= timeoutMs);
  if (isStatusFailure(f.kind)) return allowed && tries > 1 ? 'retry' : 'pass';
  return allowed && tries > 0 ? 'retry' : 'fail';
}

/** The facts a data-path next-upstream decision is made from. */
export interface NextUpstreamContext {
  readonly failure: FailureKind;
  /** The upstream's status for http_* failures, else undefined. */
  readonly status: number | undefined;
  readonly method: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Milliseconds since the first connect attempt. */
  readonly elapsedMs: number;
  /** The session's tries left: after release for transport failures, before it for http_* (nginx order). */
  readonly triesLeft: number;
  /** Whether any request byte reached the upstream on this attempt. */
  readonly requestSent: boolean;
  /** Whether the request body can be sent again (buffered, or nothing was consumed yet). */
  readonly replayable: boolean;
}

/** The pluggable next_upstream rule of the HTTP data path; {@link createNextUpstreamDecider} is nginx's. */
export type DecideNext = (ctx: NextUpstreamContext) => NextUpstreamVerdict;

/** nginx's rule for one location's `proxy_next_upstream*` settings: {@link nextUpstreamVerdict}. */
export function createNextUpstreamDecider(params: NextUpstreamParams): DecideNext {
  const mask = nextUpstreamMask(params.conditions);
  const timeoutMs = params.timeoutMs;
  return (ctx) =>
    nextUpstreamVerdict(
      mask,
      timeoutMs,
      {
        kind: ctx.failure,
        method: ctx.method,
        requestSent: ctx.requestSent,
        replayable: ctx.replayable,
        elapsedMs: ctx.elapsedMs,
      },
      ctx.triesLeft,
    );
}
