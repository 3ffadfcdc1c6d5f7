/**
 * Differential tests of proxy_next_upstream against the real nginx 1.22: which conditions retry,
 * which failures count toward max_fails, `_tries`, the final status and the error-log lines
 * (reference/nginx.md §2, §5 proxy_next_upstream.t, proxy_next_upstream_tries.t).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differential, gets, seq, skipWithoutNginx } from './differential/check.js';
import type { FailureKind } from '../../../src/index.js';

const skip = skipWithoutNginx();
const onX = (code: number) => (p: string) => (p === '/x' ? code : ('ok' as const));

describe('proxy_next_upstream matches nginx', { skip }, () => {
  it('by default (error timeout) a 500 is passed through and not counted', async () => {
    const { real } = await differential({
      name: 'default-500',
      backends: [{ id: 'a', behaviour: onX(500) }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: [{ path: '/x' }, ...gets(3)],
    });
    assert.deepEqual(
      real.outcomes.map((o) => `${o.backend}${o.status}`),
      ['a500', 'b200', 'a200', 'b200'],
    );
  });

  for (const code of [500, 502, 503, 504, 429]) {
    it(`http_${code} retries on the next peer and counts toward max_fails`, async () => {
      const { real } = await differential({
        name: `http_${code}`,
        backends: [{ id: 'a', behaviour: onX(code) }, { id: 'b' }, { id: 'c' }],
        servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
        next: { conditions: ['error', 'timeout', `http_${code}` as FailureKind] },
        steps: [{ path: '/x' }, ...gets(4)],
      });
      assert.equal(real.outcomes[0]?.us, `${code}, 200`);
      assert.ok(!real.outcomes.slice(1).some((o) => o.backend === 'a'), 'a was disabled');
      assert.ok(
        real.log.includes(
          '[warn] upstream server temporarily disabled while reading response header from upstream',
        ),
      );
    });
  }

  for (const code of [403, 404]) {
    it(`http_${code} retries but never counts (the peer keeps its turn)`, async () => {
      const { real } = await differential({
        name: `http_${code}`,
        backends: [{ id: 'a', behaviour: onX(code) }, { id: 'b' }],
        servers: [{ backend: 'a' }, { backend: 'b' }],
        next: { conditions: ['error', 'timeout', 'http_500', `http_${code}` as FailureKind] },
        steps: [{ path: '/x' }, ...gets(4)],
      });
      assert.equal(real.outcomes[0]?.ua, 'a, b');
      assert.ok(real.outcomes.slice(1).some((o) => o.backend === 'a'));
      assert.deepEqual(real.log, []);
    });
  }

  it('when every peer answers 500 the last is passed through, then no live upstreams gives 502', async () => {
    const { real } = await differential({
      name: 'all-500',
      backends: [
        { id: 'a', behaviour: () => 500 },
        { id: 'b', behaviour: () => 500 },
      ],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      next: { conditions: ['error', 'timeout', 'http_500'] },
      steps: gets(2),
    });
    assert.deepEqual(
      real.outcomes.map((o) => [o.status, o.ua, o.us]),
      [
        [500, 'a, b', '500, 500'],
        [502, 'b, u', '500, 502'],
      ],
    );
  });

  it('{A, B down} with http_404: the real 404, not "no live upstreams"', async () => {
    const { real } = await differential({
      name: 'down-404',
      backends: [{ id: 'a', behaviour: () => 404 }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { down: true } }],
      next: { conditions: ['http_404'] },
      steps: gets(2),
    });
    assert.deepEqual(
      real.outcomes.map((o) => o.status),
      [404, 404],
    );
  });

  it('proxy_next_upstream_tries: 2 of 3 peers, 0 = all, and backups count in the budget', async () => {
    const all404 = () => 404;
    const backends = [
      { id: 'a', behaviour: all404 },
      { id: 'b', behaviour: all404 },
      { id: 'c', behaviour: all404 },
    ];
    const three = [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }];
    const two = await differential({
      name: 'tries-2',
      backends,
      servers: three,
      next: { conditions: ['http_404'], tries: 2 },
      steps: gets(1),
    });
    assert.equal(two.real.outcomes[0]?.us, '404, 404');
    const unlimited = await differential({
      name: 'tries-0',
      backends,
      servers: three,
      next: { conditions: ['http_404'], tries: 0 },
      steps: gets(1),
    });
    assert.equal(unlimited.real.outcomes[0]?.us, '404, 404, 404');
    const backup = await differential({
      name: 'tries-backup',
      backends,
      servers: [
        { backend: 'a' },
        { backend: 'b', params: { backup: true } },
        { backend: 'c', params: { backup: true } },
      ],
      next: { conditions: ['http_404'], tries: 2 },
      steps: gets(1),
    });
    assert.equal(backup.real.outcomes[0]?.us, '404, 404');
  });

  it('error: a closed connection is retried; with off it is a 502 and still counted', async () => {
    const closeX = (p: string) => (p === '/x' ? ('close' as const) : ('ok' as const));
    const on = await differential({
      name: 'error',
      backends: [{ id: 'a', behaviour: closeX }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: [{ path: '/x' }, ...gets(2)],
    });
    assert.equal(on.real.outcomes[0]?.us, '502, 200');
    const off = await differential({
      name: 'off',
      backends: [{ id: 'a', behaviour: closeX }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      next: { conditions: ['off'] },
      steps: [{ path: '/x' }, ...gets(2)],
    });
    assert.equal(seq(off.real.outcomes), '-bb');
    assert.ok(
      off.real.log.includes(
        '[warn] upstream server temporarily disabled while reading response header from upstream',
      ),
    );
  });

  it('timeout: retried when listed, 504 when not; the warning comes before "upstream timed out"', async () => {
    const slowX = (p: string) => (p === '/x' ? ('timeout' as const) : ('ok' as const));
    const on = await differential({
      name: 'timeout',
      backends: [{ id: 'a', behaviour: slowX }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      readTimeout: 300,
      steps: [{ path: '/x' }, ...gets(1)],
    });
    assert.equal(on.real.outcomes[0]?.us, '504, 200');
    const off = await differential({
      name: 'timeout-unlisted',
      backends: [{ id: 'a', behaviour: slowX }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      readTimeout: 300,
      next: { conditions: ['error'] },
      steps: [{ path: '/x' }, ...gets(1)],
    });
    assert.equal(off.real.outcomes[0]?.status, 504);
    assert.deepEqual(off.real.log, [
      '[warn] upstream server temporarily disabled while reading response header from upstream',
      '[error] upstream timed out (110: Connection timed out) while reading response header from upstream',
    ]);
  });

  it('proxy_next_upstream_timeout stops retrying once the budget from the first attempt is spent', async () => {
    const slow = () => 'timeout' as const;
    const { real } = await differential({
      name: 'next-timeout',
      backends: [
        { id: 'a', behaviour: slow },
        { id: 'b', behaviour: slow },
        { id: 'c', behaviour: slow },
      ],
      servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
      readTimeout: 300,
      next: { conditions: ['error', 'timeout'], timeoutMs: 500 },
      steps: gets(1),
    });
    assert.equal(real.outcomes[0]?.us, '504, 504');
  });

  it('non_idempotent: a POST that reached the peer is retried only when listed; a refused POST always', async () => {
    const closePost = (p: string) => (p === '/x' ? ('close' as const) : ('ok' as const));
    const post = [{ path: '/x', method: 'POST' as const }, ...gets(1)];
    const plain = await differential({
      name: 'post',
      backends: [{ id: 'a', behaviour: closePost }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: post,
    });
    assert.equal(plain.real.outcomes[0]?.status, 502);
    const listed = await differential({
      name: 'post-non-idempotent',
      backends: [{ id: 'a', behaviour: closePost }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      next: { conditions: ['error', 'timeout', 'non_idempotent'] },
      steps: post,
    });
    assert.equal(listed.real.outcomes[0]?.us, '502, 200');
    const refused = await differential({
      name: 'post-refused',
      backends: [{ id: 'a', dead: true }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: post,
    });
    assert.equal(refused.real.outcomes[0]?.ua, 'a, b');
    assert.ok(refused.real.log[0]?.startsWith('[error] connect() failed (111: Connection refused)'));
  });
});
