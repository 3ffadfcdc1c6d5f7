/**
 * Differential tests of ip_hash, hash KEY and hash KEY consistent against the real nginx 1.22
 * (reference/nginx.md §1.3–§1.5, §5 upstream_ip_hash.t and upstream_hash.t).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differential, tally, skipWithoutNginx } from './differential/check.js';
import type { Step } from './differential/scenario.js';

const skip = skipWithoutNginx();

/** 200 client addresses in 127/8 with distinct first three bytes (only a.b.c is hashed). */
const clients: Step[] = Array.from({ length: 200 }, (_, i) => ({
  path: '/',
  from: `127.${1 + (i % 5)}.${(i * 37) % 256}.${2 + (i % 250)}`,
}));

const keys = (n: number, prefix = '/k/'): Step[] =>
  Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i * 7919}` }));

describe('ip_hash matches nginx', { skip }, () => {
  it('200 client addresses over three peers with weights 1,2,1', async () => {
    const { real } = await differential({
      name: 'ip_hash-200',
      method: 'ip_hash',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { weight: 2 } }, { backend: 'c' }],
      steps: clients,
    });
    const t = tally(real.outcomes);
    assert.ok((t.a ?? 0) > 20 && (t.b ?? 0) > 60 && (t.c ?? 0) > 20, JSON.stringify(t));
  });

  it('a down peer and a dead peer continue the same hash chain', async () => {
    const { real } = await differential({
      name: 'ip_hash-down-dead',
      method: 'ip_hash',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'x', dead: true }, { id: 'c' }],
      servers: [
        { backend: 'a' },
        { backend: 'b', params: { down: true } },
        { backend: 'x' },
        { backend: 'c' },
      ],
      steps: clients,
    });
    assert.equal(tally(real.outcomes).b, undefined);
    assert.ok(real.outcomes.some((o) => o.ua.startsWith('x, ')));
  });

  it('upstream_ip_hash.t: 127.0.1.2 ... 127.0.30.2 split 15/15 and 10/10/10', async () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({ path: '/', from: `127.0.${i + 1}.2` }));
    const two = await differential({
      name: 'ip_hash-2',
      method: 'ip_hash',
      backends: [{ id: 'a' }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps,
    });
    assert.deepEqual(tally(two.real.outcomes), { a: 15, b: 15 });
    const three = await differential({
      name: 'ip_hash-3',
      method: 'ip_hash',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
      steps,
    });
    assert.deepEqual(tally(three.real.outcomes), { a: 10, b: 10, c: 10 });
  });
});

describe('hash KEY matches nginx', { skip }, () => {
  it('hash $request_uri over 200 keys and three weighted peers', async () => {
    await differential({
      name: 'hash-200',
      method: 'hash',
      options: { key: '$request_uri' },
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { weight: 3 } }, { backend: 'c' }],
      steps: keys(200),
    });
  });

  it('a dead peer rehashes ("1key", "2key", ...) and a down one is skipped', async () => {
    const { real } = await differential({
      name: 'hash-dead',
      method: 'hash',
      options: { key: '$request_uri' },
      backends: [{ id: 'a' }, { id: 'x', dead: true }, { id: 'b' }, { id: 'd' }],
      servers: [
        { backend: 'a' },
        { backend: 'x' },
        { backend: 'b' },
        { backend: 'd', params: { down: true } },
      ],
      steps: keys(200),
    });
    assert.ok(real.outcomes.some((o) => o.ua.startsWith('x, ')));
    assert.equal(tally(real.outcomes).d, undefined);
  });

  it('an empty key falls back to round robin (upstream_hash.t: 2/2/2)', async () => {
    const { real } = await differential({
      name: 'hash-empty',
      method: 'hash',
      options: { key: '$arg_a' },
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
      steps: Array.from({ length: 6 }, () => ({ path: '/?a=' })),
    });
    assert.deepEqual(tally(real.outcomes), { a: 2, b: 2, c: 2 });
  });

  it('without next_upstream a 502 peer is returned as is; with http_502 every request succeeds', async () => {
    const backends = [{ id: 'a' }, { id: 'b', behaviour: () => 502 }, { id: 'c' }];
    const servers = [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }];
    const plain = await differential({
      name: 'hash-502',
      method: 'hash',
      options: { key: '$request_uri' },
      backends,
      servers,
      steps: keys(20),
    });
    assert.ok(plain.real.outcomes.some((o) => o.status === 502 && o.backend === 'b'));
    const retried = await differential({
      name: 'hash-502-next',
      method: 'hash',
      options: { key: '$request_uri' },
      next: { conditions: ['error', 'timeout', 'http_502'] },
      backends,
      servers,
      steps: keys(20),
    });
    assert.ok(retried.real.outcomes.every((o) => o.status === 200));
  });
});

describe('hash KEY consistent matches nginx', { skip }, () => {
  it('200 keys over weighted peers (ring points from the server text with its port)', async () => {
    await differential({
      name: 'chash-200',
      method: 'hash',
      options: { key: '$request_uri', consistent: true },
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [
        { backend: 'a', params: { weight: 2 } },
        { backend: 'b', params: { weight: 3 } },
        { backend: 'c' },
      ],
      steps: keys(200),
    });
  });

  it('a failing peer moves only its own keys to the next ring points', async () => {
    // One run, so the ports (and the ring) are the same: b answers `?live` and closes on `?dead`;
    // the key is $uri, which leaves the query out.
    const pass = (q: string): Step[] =>
      Array.from({ length: 200 }, (_, i) => ({ path: `/k/${i * 7919}?${q}` }));
    const { real } = await differential({
      name: 'chash-dead',
      method: 'hash',
      options: { key: '$uri', consistent: true },
      backends: [
        { id: 'a' },
        { id: 'b', behaviour: (p) => (p.endsWith('?dead') ? 'close' : 'ok') },
        { id: 'c' },
      ],
      servers: [{ backend: 'a' }, { backend: 'b' }, { backend: 'c' }],
      steps: [...pass('live'), ...pass('dead')],
    });
    const before = real.outcomes.slice(0, 200);
    const after = real.outcomes.slice(200);
    assert.ok(after.some((o) => o.ua.startsWith('b, ')));
    before.forEach((o, i) => {
      if (o.backend !== 'b') assert.equal(after[i]?.backend, o.backend, `key ${i} moved off a live peer`);
      else assert.notEqual(after[i]?.backend, 'b');
    });
  });

  it('a down peer keeps its ring points (its keys walk on, the others stay)', async () => {
    const { real } = await differential({
      name: 'chash-down',
      method: 'hash',
      options: { key: '$request_uri', consistent: true },
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { down: true } }, { backend: 'c' }],
      steps: keys(200),
    });
    assert.equal(tally(real.outcomes).b, undefined);
  });
});
