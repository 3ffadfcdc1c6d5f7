/**
 * Differential tests of round robin, weights, backup, down, max_conns and max_fails/fail_timeout
 * against the real nginx 1.22 (reference/nginx.md §1.1–§1.2, §5 upstream.t, upstream_max_conns.t).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differential, gets, seq, skipWithoutNginx, tally } from './differential/check.js';

const skip = skipWithoutNginx();

describe('round robin matches nginx', { skip }, () => {
  it('weights 5,1,1 give a a b a c a a', async () => {
    const { real } = await differential({
      name: 'w511',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a', params: { weight: 5 } }, { backend: 'b' }, { backend: 'c' }],
      steps: gets(14),
    });
    assert.equal(seq(real.outcomes), 'aabacaaaabacaa');
  });

  it('weights 1,2 give b a b', async () => {
    const { real } = await differential({
      name: 'w12',
      backends: [{ id: 'a' }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { weight: 2 } }],
      steps: gets(9),
    });
    assert.equal(seq(real.outcomes), 'babbabbab');
  });

  it('equal weights rotate in config order', async () => {
    const { real } = await differential({
      name: 'equal',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
      steps: gets(9),
    });
    assert.equal(seq(real.outcomes), 'abcabcabc');
  });

  it('skips a down peer, which still has no effect on the rotation of the others', async () => {
    const { real } = await differential({
      name: 'down',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [
        { backend: 'a' },
        { backend: 'b', params: { down: true } },
        { backend: 'c', params: { weight: 2 } },
      ],
      steps: gets(9),
    });
    assert.equal(seq(real.outcomes), 'caccaccac');
    assert.equal(tally(real.outcomes).b, undefined);
  });

  it('a dead middle peer: A, X->B, B, A, B ... and the failure is logged', async () => {
    const { real } = await differential({
      name: 'dead-middle',
      backends: [{ id: 'a' }, { id: 'x', dead: true }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'x' }, { backend: 'b' }],
      steps: gets(6),
    });
    assert.deepEqual(
      real.outcomes.map((o) => o.ua),
      ['a', 'x, b', 'b', 'a', 'b', 'a'],
    );
    assert.ok(real.log.includes('[warn] upstream server temporarily disabled while connecting to upstream'));
  });

  it('backup is used only when every primary is failed, per request', async () => {
    const { real } = await differential({
      name: 'backup',
      backends: [{ id: 'a', dead: true }, { id: 'c', dead: true }, { id: 'b' }, { id: 'd' }],
      servers: [
        { backend: 'a' },
        { backend: 'c' },
        { backend: 'b', params: { backup: true } },
        { backend: 'd', params: { backup: true, weight: 2 } },
      ],
      steps: gets(6),
    });
    assert.equal(real.outcomes[0]?.ua, 'a, c, d');
    assert.deepEqual(tally(real.outcomes), { d: 4, b: 2 });
  });

  it('one primary with a backup is not a single peer: it is disabled and the backup answers', async () => {
    const { real } = await differential({
      name: 'one-primary-backup',
      backends: [{ id: 'x', dead: true }, { id: 'b' }],
      servers: [{ backend: 'x' }, { backend: 'b', params: { backup: true } }],
      steps: gets(4),
    });
    assert.deepEqual(
      real.outcomes.map((o) => o.ua),
      ['x, b', 'b', 'b', 'b'],
    );
  });

  it('max_conns with held connections spills to the backup, then no live upstreams (502)', async () => {
    const hang = (path: string) => (path === '/hang' ? 'hang' : 'ok');
    const { real } = await differential({
      name: 'max-conns-backup',
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
      ],
      servers: [
        { backend: 'a', params: { maxConns: 2 } },
        { backend: 'b', params: { backup: true, maxConns: 3 } },
      ],
      steps: [
        ...Array.from({ length: 6 }, () => ({ path: '/hang', hold: true })),
        { release: true },
        ...gets(2),
      ],
    });
    assert.equal(seq(real.outcomes), 'aabbb-aa');
    assert.equal(real.outcomes[5]?.ua, 'u');
    assert.ok(real.log.includes('[error] no live upstreams while connecting to upstream'));
  });

  it('max_conns is per peer: limits 1 and 3 serve 1/3, a duplicated line is two peers', async () => {
    const hang = () => 'hang' as const;
    const { real } = await differential({
      name: 'max-conns',
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
      ],
      servers: [
        { backend: 'a', params: { maxConns: 1 } },
        { backend: 'b', params: { maxConns: 1, weight: 3 } },
        { backend: 'b', params: { maxConns: 2 } },
      ],
      steps: [...Array.from({ length: 5 }, () => ({ path: '/hang', hold: true })), { release: true }],
    });
    assert.deepEqual(tally(real.outcomes), { a: 1, b: 3, '-': 1 });
  });

  it('upstream_max_conns.t: a single peer with max_conns=3 serves 3 of 4 parallel requests', async () => {
    const { real } = await differential({
      name: 'max-conns-single',
      backends: [{ id: 'a', behaviour: () => 'hang' }],
      servers: [{ backend: 'a', params: { maxConns: 3 } }],
      steps: [...Array.from({ length: 4 }, () => ({ path: '/hang', hold: true })), { release: true }],
    });
    assert.equal(seq(real.outcomes), 'aaa-');
  });

  for (const [method, options] of [
    ['round_robin', {}],
    ['least_conn', {}],
    ['ip_hash', {}],
    ['hash', { key: '$request_uri' }],
    ['hash', { key: '$request_uri', consistent: true }],
  ] as const) {
    it(`upstream_max_conns.t: ${method}${'consistent' in options ? ' consistent' : ''} with limits 1/2 serves 1/2`, async () => {
      const { real } = await differential({
        name: `max-conns-${method}`,
        method,
        options,
        backends: [
          { id: 'a', behaviour: () => 'hang' },
          { id: 'b', behaviour: () => 'hang' },
        ],
        servers: [
          { backend: 'a', params: { maxConns: 1 } },
          { backend: 'b', params: { maxConns: 2 } },
        ],
        steps: [...Array.from({ length: 4 }, () => ({ path: '/hang', hold: true })), { release: true }],
      });
      assert.deepEqual(tally(real.outcomes), { a: 1, b: 2, '-': 1 });
    });
  }

  it('the effective weight dip after a counted 500 and its recovery (A weight=3 max_fails=3)', async () => {
    const { real } = await differential({
      name: 'eff-dip',
      backends: [{ id: 'a', behaviour: (p) => (p === '/e500' ? 500 : 'ok') }, { id: 'b' }],
      servers: [
        { backend: 'a', params: { weight: 3, maxFails: 3 } },
        { backend: 'b', params: { weight: 3 } },
      ],
      next: { conditions: ['error', 'timeout', 'http_500'] },
      steps: [{ path: '/e500' }, ...gets(10)],
    });
    assert.equal(real.outcomes[0]?.ua, 'a, b');
    assert.equal(seq(real.outcomes), 'bbbababababa'.slice(0, 11));
  });

  it('upstream.t: a peer dropping every 3rd connection with max_fails=3 serves 6 of 30', async () => {
    const { real } = await differential({
      name: 'upstream.t',
      backends: [{ id: 'a', behaviour: (_p, n) => (n % 3 === 0 ? 'close' : 'ok') }, { id: 'b' }],
      servers: [
        { backend: 'a', params: { maxFails: 3 } },
        { backend: 'b', params: { maxFails: 3 } },
      ],
      steps: gets(30, '/close'),
    });
    assert.deepEqual(tally(real.outcomes), { a: 6, b: 24 });
  });

  it('a single peer is never disabled: every request tries it, errors give 502 with no warning', async () => {
    const { real } = await differential({
      name: 'single',
      backends: [{ id: 'a', behaviour: (_p, n) => (n % 2 === 1 ? 'close' : 'ok') }],
      servers: [{ backend: 'a' }],
      steps: gets(6),
    });
    assert.equal(seq(real.outcomes), '-a-a-a');
    assert.ok(!real.log.some((l) => l.includes('temporarily disabled')));
  });

  it('a failed peer is probed once per fail_timeout window and recovers (whole-second clock)', async () => {
    const { real } = await differential({
      name: 'recovery',
      timed: true,
      backends: [{ id: 'a' }, { id: 'x', behaviour: (p) => (p === '/dead' ? 'close' : 'ok') }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'x', params: { failTimeout: 2000 } }, { backend: 'b' }],
      steps: [
        ...Array.from({ length: 14 }, () => [{ path: '/dead' }, { pause: 250 }]).flat(),
        ...Array.from({ length: 14 }, () => [{ path: '/live' }, { pause: 250 }]).flat(),
      ],
    });
    const xs = real.outcomes.filter((o) => o.ua.includes('x')).length;
    assert.ok(xs >= 3, `x was probed ${xs} times`);
  });
});
