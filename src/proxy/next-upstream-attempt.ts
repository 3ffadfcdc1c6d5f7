/**
 * One failed attempt applied to a request's balancing state, as nginx `ngx_http_upstream_next`
 * does it: the {@link nextUpstreamVerdict} rule, the peer freed with the matching outcome, and
 * nginx's error-log lines in nginx's order. The differential simulation drives the pure balancer
 * through this; the HTTP data path applies the same rule through `createNextUpstreamDecider`.
 */
import {
  isStatusFailure,
  nextUpstreamVerdict,
  retryOutcome,
  type FailureKind,
  type NextUpstreamParams,
} from './next-upstream.js';
import type { PeerOutcome, PeerRequest } from './upstream/peer-request.js';

/** Where the attempt was when it failed, for nginx's `while ...` log context. */
export type UpstreamPhase = 'connecting' | 'sending' | 'reading';

/** What caused an `error`, for the exact log wording. */
export type ErrorCause = 'refused' | 'reset' | 'closed' | 'broken_pipe' | 'unreachable';

/** One failed attempt as the proxy saw it. */
export interface AttemptFailure {
  readonly kind: FailureKind;
  /** The client request method: POST, LOCK and PATCH are non-idempotent once the request was sent. */
  readonly method: string;
  /** Whether any of the request reached the upstream (nginx `u->request_sent`). */
  readonly requestSent: boolean;
  /** The request body was streamed unbuffered (`proxy_request_buffering off`) and sent: no retry. */
  readonly bodyUnbuffered?: boolean;
  /** Milliseconds since the first attempt began, for `proxy_next_upstream_timeout`. */
  readonly elapsed: number;
  /** The attempt reused a cached keep-alive connection: an `error` earns one extra try (§1.8). */
  readonly cached?: boolean;
  readonly phase?: UpstreamPhase;
  readonly cause?: ErrorCause;
  /**
   * For `invalid_header`: the parser's own nginx wording, e.g. `upstream sent no valid HTTP/1.0
   * header` or `upstream sent invalid header: "X-A\x00..."` (default `upstream sent invalid header`).
   */
  readonly detail?: string;
}

/** What nginx does with a failed attempt. */
export interface NextUpstreamDecision {
  /** Try another peer. */
  readonly retry: boolean;
  /** How the failed peer is freed: `failed` counts toward max_fails; `next` (403/404) does not. */
  readonly outcome: PeerOutcome;
  /** This attempt's `$upstream_status`, and the client's status when it is the last attempt. */
  readonly status: number;
  /** The upstream's own response goes to the client (an http_* status that is not retried). */
  readonly passThrough: boolean;
}

/**
 * Decides as nginx does, predicting the free: `triesLeft` is the request's `pc->tries` before the
 * peer is freed and `single` whether its set is the single-peer shortcut (freed with tries = 0).
 * A transport failure is judged on the tries left after that free (plus the extra try of a failed
 * cached connection), a status on the tries before it, as {@link nextUpstreamVerdict} requires.
 */
export function decideNextUpstream(
  mask: number,
  conf: NextUpstreamParams,
  f: AttemptFailure,
  triesLeft: number,
  single: boolean,
): NextUpstreamDecision {
  const facts = {
    kind: f.kind,
    method: f.method,
    requestSent: f.requestSent,
    replayable: !(f.requestSent && f.bodyUnbuffered === true),
    elapsedMs: f.elapsed,
  };
  if (isStatusFailure(f.kind)) {
    const status = Number(f.kind.slice(5));
    const v = nextUpstreamVerdict(mask, conf.timeoutMs, facts, triesLeft);
    if (v === 'pass') return { retry: false, outcome: 'ok', status, passThrough: true };
    return { retry: true, outcome: retryOutcome(f.kind), status, passThrough: false };
  }
  let after = single ? 0 : Math.max(0, triesLeft - 1);
  if (f.cached === true && f.kind === 'error') after++;
  const status = f.kind === 'timeout' ? 504 : 502;
  const retry = nextUpstreamVerdict(mask, conf.timeoutMs, facts, after) === 'retry';
  return { retry, outcome: 'failed', status, passThrough: false };
}

/** An nginx error-log line (message and `while ...` context; the proxy appends client/request). */
export interface UpstreamLogLine {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

/** The `while ...` context nginx appends for a phase. */
export function phaseContext(phase: UpstreamPhase): string {
  switch (phase) {
    case 'connecting':
      return 'while connecting to upstream';
    case 'sending':
      return 'while sending request to upstream';
    case 'reading':
      return 'while reading response header from upstream';
  }
}

/** The status and log line of nginx `NGX_BUSY`: every peer down, failed, full or tried. */
export const NO_LIVE_UPSTREAMS: UpstreamLogLine & { readonly status: 502 } = {
  level: 'error',
  message: 'no live upstreams while connecting to upstream',
  status: 502,
};

/** nginx's error line for a failed attempt, or undefined for statuses (nginx logs none). */
export function upstreamErrorLine(f: AttemptFailure): UpstreamLogLine | undefined {
  const phase = f.phase ?? (f.kind === 'error' ? 'connecting' : 'reading');
  const ctx = phaseContext(phase);
  switch (f.kind) {
    case 'timeout':
      return { level: 'error', message: `upstream timed out (110: Connection timed out) ${ctx}` };
    case 'invalid_header':
      return { level: 'error', message: `${f.detail ?? 'upstream sent invalid header'} ${ctx}` };
    case 'error':
      return { level: 'error', message: `${errorText(phase, f.cause)} ${ctx}` };
    case 'http_500':
    case 'http_502':
    case 'http_503':
    case 'http_504':
    case 'http_403':
    case 'http_404':
    case 'http_429':
      return undefined;
  }
}

function errorText(phase: UpstreamPhase, cause: ErrorCause | undefined): string {
  if (cause === 'closed') return 'upstream prematurely closed connection';
  if (cause === 'unreachable') return `connect() failed (113: No route to host)`;
  if (phase === 'connecting' || cause === 'refused') return 'connect() failed (111: Connection refused)';
  if (cause === 'broken_pipe') return 'writev() failed (32: Broken pipe)';
  return phase === 'sending'
    ? 'writev() failed (104: Connection reset by peer)'
    : 'recv() failed (104: Connection reset by peer)';
}

/** A decision applied to a request, with nginx's log lines in nginx's order. */
export interface AttemptResult extends NextUpstreamDecision {
  /** The failure disabled the peer (max_fails reached). */
  readonly disabled: boolean;
  readonly log: readonly UpstreamLogLine[];
}

/**
 * Decides for the request's current peer, frees it accordingly and returns the decision with the
 * log lines. The `temporarily disabled` warning follows the error line, except for timeouts where
 * nginx frees (and warns) before logging `upstream timed out`.
 */
export function finishAttempt(
  req: PeerRequest,
  mask: number,
  conf: NextUpstreamParams,
  f: AttemptFailure,
): AttemptResult {
  const d = decideNextUpstream(mask, conf, f, req.tries, req.set.single);
  const disabled = req.free(d.outcome);
  if (f.cached === true && f.kind === 'error') req.tries++;
  const err = upstreamErrorLine(f);
  const log: UpstreamLogLine[] = [];
  const warn: UpstreamLogLine | undefined = disabled
    ? {
        level: 'warn',
        message: `upstream server temporarily disabled ${phaseContext(f.phase ?? phaseOf(f.kind))}`,
      }
    : undefined;
  if (f.kind === 'timeout' && warn !== undefined) log.push(warn);
  if (err !== undefined) log.push(err);
  if (f.kind !== 'timeout' && warn !== undefined) log.push(warn);
  return { ...d, disabled, log };
}

function phaseOf(kind: FailureKind): UpstreamPhase {
  return kind === 'error' ? 'connecting' : 'reading';
}
