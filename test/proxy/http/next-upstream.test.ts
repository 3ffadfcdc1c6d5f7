import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { createNextUpstreamDecider, defaultNextUpstream } from '../../../src/proxy/next-upstream.js';
import type { NextUpstreamContext } from '../../../src/proxy/http/types.js';

const base: NextUpstreamContext = {
  failure: 'error',
  status: undefined,
  method: 'GET',
  attempt: 1,
  elapsedMs: 0,
  triesLeft: 1,
  requestSent: false,
  replayable: true,
};

describe('nginx proxy_next_upstream rules (reference §2)', () => {
  const dflt = createNextUpstreamDecider(defaultNextUpstream);
  it('retries error and timeout by default while tries remain', () => {
    assert.equal(dflt(base), 'retry');
    assert.equal(dflt({ ...base, failure: 'timeout' }), 'retry');
    assert.equal(dflt({ ...base, triesLeft: 0 }), 'fail');
    assert.equal(dflt({ ...base, failure: 'invalid_header' }), 'fail');
  });

  it('passes an upstream 5xx unless listed, and on the last try', () => {
    const d = createNextUpstreamDecider({ conditions: ['error', 'http_500'], tries: 0, timeoutMs: 0 });
    const r500 = { ...base, failure: 'http_500' as const, status: 500, requestSent: true };
    assert.equal(dflt({ ...r500, triesLeft: 3 }), 'pass');
    assert.equal(d({ ...r500, triesLeft: 2 }), 'retry');
    assert.equal(d({ ...r500, triesLeft: 1 }), 'pass');
  });

  it('does not retry a sent POST without non_idempotent, but does before sending', () => {
    const d = createNextUpstreamDecider(defaultNextUpstream);
    assert.equal(d({ ...base, method: 'POST', requestSent: true }), 'fail');
    assert.equal(d({ ...base, method: 'POST', requestSent: false }), 'retry');
    const n = createNextUpstreamDecider({ conditions: ['error', 'non_idempotent'], tries: 0, timeoutMs: 0 });
    assert.equal(n({ ...base, method: 'POST', requestSent: true }), 'retry');
  });

  it('stops at proxy_next_upstream_timeout, with off, and for a body that cannot be replayed', () => {
    const t = createNextUpstreamDecider({ conditions: ['error'], tries: 0, timeoutMs: 100 });
    assert.equal(t({ ...base, elapsedMs: 99 }), 'retry');
    assert.equal(t({ ...base, elapsedMs: 100 }), 'fail');
    assert.equal(createNextUpstreamDecider({ conditions: ['off'], tries: 0, timeoutMs: 0 })(base), 'fail');
    assert.equal(dflt({ ...base, replayable: false }), 'fail');
  });
});
