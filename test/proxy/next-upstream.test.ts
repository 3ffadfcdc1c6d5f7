/**
 * The proxy_next_upstream decision (reference/nginx.md §2): retry or not, what counts toward
 * max_fails, the final status and nginx's log lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createNextUpstreamDecider,
  defaultNextUpstream,
  decideNextUpstream,
  failureKindOfStatus,
  finishAttempt,
  nextUpstreamMask,
  type AttemptFailure,
  type NextUpstreamCondition,
  type NextUpstreamParams,
} from '../../src/index.js';
import { testUpstream } from '../helpers/upstream.js';

const conf = (conditions: NextUpstreamCondition[], tries = 0, timeoutMs = 0): NextUpstreamParams => ({
  conditions,
  tries,
  timeoutMs,
});
const decide = (
  c: NextUpstreamParams,
  f: Partial<AttemptFailure> & Pick<AttemptFailure, 'kind'>,
  triesLeft = 3,
  single = false,
) =>
  decideNextUpstream(
    nextUpstreamMask(c.conditions),
    c,
    { method: 'GET', requestSent: true, elapsed: 0, ...f },
    triesLeft,
    single,
  );

describe('decideNextUpstream', () => {
  it('error, timeout and invalid_header always count, retry only when listed, and end in 502/504', () => {
    const d = defaultNextUpstream;
    assert.deepEqual(decide(d, { kind: 'error' }), {
      retry: true,
      outcome: 'failed',
      status: 502,
      passThrough: false,
    });
    assert.deepEqual(decide(d, { kind: 'timeout' }), {
      retry: true,
      outcome: 'failed',
      status: 504,
      passThrough: false,
    });
    assert.deepEqual(decide(d, { kind: 'invalid_header' }), {
      retry: false,
      outcome: 'failed',
      status: 502,
      passThrough: false,
    });
    assert.equal(decide(conf(['invalid_header']), { kind: 'invalid_header' }).retry, true);
    const off = conf(['off']);
    for (const kind of ['error', 'timeout', 'invalid_header'] as const) {
      const r = decide(off, { kind });
      assert.equal(r.retry, false);
      assert.equal(r.outcome, 'failed');
    }
    assert.equal(nextUpstreamMask(['error', 'off']), 0);
  });

  it('statuses retry only when listed and more than one try is left; otherwise pass through as success', () => {
    for (const code of [500, 502, 503, 504, 429]) {
      const kind = failureKindOfStatus(code)!;
      assert.deepEqual(decide(conf([kind]), { kind }), {
        retry: true,
        outcome: 'failed',
        status: code,
        passThrough: false,
      });
      assert.deepEqual(decide(conf([kind]), { kind }, 1), {
        retry: false,
        outcome: 'ok',
        status: code,
        passThrough: true,
      });
      assert.deepEqual(decide(defaultNextUpstream, { kind }), {
        retry: false,
        outcome: 'ok',
        status: code,
        passThrough: true,
      });
    }
    for (const code of [403, 404]) {
      const kind = failureKindOfStatus(code)!;
      assert.equal(decide(conf([kind]), { kind }).outcome, 'next', 'never counts toward max_fails');
    }
    assert.equal(failureKindOfStatus(200), undefined);
    assert.equal(failureKindOfStatus(501), undefined);
  });

  it('non_idempotent: POST, LOCK, PATCH are retried after sending only when listed', () => {
    for (const method of ['POST', 'LOCK', 'PATCH']) {
      assert.equal(decide(defaultNextUpstream, { kind: 'error', method }).retry, false);
      assert.equal(decide(defaultNextUpstream, { kind: 'error', method, requestSent: false }).retry, true);
      assert.equal(decide(conf(['error', 'non_idempotent']), { kind: 'error', method }).retry, true);
      assert.equal(decide(conf(['http_500']), { kind: 'http_500', method }).passThrough, true);
    }
    assert.equal(decide(defaultNextUpstream, { kind: 'error', method: 'PUT' }).retry, true);
  });

  it('no retry once the tries, the time budget or an unbuffered body is spent; single peers never retry', () => {
    assert.equal(decide(defaultNextUpstream, { kind: 'error' }, 1).retry, false);
    assert.equal(decide(conf(['error'], 0, 3800), { kind: 'error', elapsed: 3800 }).retry, false);
    assert.equal(decide(conf(['error'], 0, 3800), { kind: 'error', elapsed: 3799 }).retry, true);
    assert.equal(decide(defaultNextUpstream, { kind: 'error', bodyUnbuffered: true }).retry, false);
    assert.equal(decide(defaultNextUpstream, { kind: 'error' }, 5, true).retry, false);
    assert.equal(
      decide(defaultNextUpstream, { kind: 'error', cached: true }, 1).retry,
      true,
      'a stale keep-alive connection earns a try',
    );
  });
});

describe('finishAttempt', () => {
  it('frees the peer, reports disabling and orders the log lines as nginx', () => {
    const { upstream } = testUpstream('round_robin', ['a', 'b']);
    const mask = nextUpstreamMask(['error', 'timeout']);
    const req = upstream.begin();
    req.pick();
    const r = finishAttempt(req, mask, defaultNextUpstream, {
      kind: 'error',
      method: 'GET',
      requestSent: false,
      elapsed: 0,
      cause: 'refused',
    });
    assert.equal(r.retry, true);
    assert.equal(r.disabled, true);
    assert.deepEqual(r.log, [
      { level: 'error', message: 'connect() failed (111: Connection refused) while connecting to upstream' },
      { level: 'warn', message: 'upstream server temporarily disabled while connecting to upstream' },
    ]);
    req.pick();
    const t = finishAttempt(req, mask, defaultNextUpstream, {
      kind: 'timeout',
      method: 'GET',
      requestSent: true,
      elapsed: 0,
    });
    assert.equal(t.retry, false);
    assert.equal(t.status, 504);
    assert.deepEqual(
      t.log.map((l) => l.level),
      ['warn', 'error'],
    );
    assert.equal(
      t.log[1]?.message,
      'upstream timed out (110: Connection timed out) while reading response header from upstream',
    );
  });

  it('a premature close reads as nginx logs it', () => {
    const { upstream } = testUpstream('round_robin', ['a', 'b']);
    const req = upstream.begin();
    req.pick();
    const r = finishAttempt(req, nextUpstreamMask(['off']), conf(['off']), {
      kind: 'error',
      method: 'GET',
      requestSent: true,
      elapsed: 0,
      phase: 'reading',
      cause: 'closed',
    });
    assert.equal(
      r.log[0]?.message,
      'upstream prematurely closed connection while reading response header from upstream',
    );
    assert.equal(upstream.primary.peers[0]!.fails, 1);
  });
});

describe('one rule for the data path and the balancer simulation', () => {
  it('createNextUpstreamDecider (tries in nginx order) and decideNextUpstream (tries before the free) agree', () => {
    const kinds = [
      'error',
      'timeout',
      'invalid_header',
      'http_500',
      'http_502',
      'http_503',
      'http_504',
      'http_403',
      'http_404',
      'http_429',
    ] as const;
    const conds = [...kinds, 'non_idempotent', 'off'] as const;
    fc.assert(
      fc.property(
        fc.subarray([...conds]),
        fc.constantFrom(...kinds),
        fc.constantFrom('GET', 'POST', 'PATCH', 'PUT'),
        fc.boolean(),
        fc.boolean(),
        fc.nat(5),
        fc.boolean(),
        fc.integer({ min: 0, max: 300 }),
        (conditions, kind, method, requestSent, unbuffered, tries, single, elapsed) => {
          const params = { conditions, tries: 0, timeoutMs: 200 };
          const failure = { kind, method, requestSent, bodyUnbuffered: unbuffered, elapsed };
          const d = decideNextUpstream(nextUpstreamMask(conditions), params, failure, tries, single);
          const status = kind.startsWith('http_');
          // The data path reads tries before the free for statuses and after it for transport failures.
          const after = single ? 0 : Math.max(0, tries - 1);
          const v = createNextUpstreamDecider(params)({
            failure: kind,
            status: status ? Number(kind.slice(5)) : undefined,
            method,
            attempt: 1,
            elapsedMs: elapsed,
            triesLeft: status ? tries : after,
            requestSent,
            replayable: !(requestSent && unbuffered),
          });
          assert.equal(v, d.retry ? 'retry' : d.passThrough ? 'pass' : 'fail');
        },
      ),
    );
  });
});
