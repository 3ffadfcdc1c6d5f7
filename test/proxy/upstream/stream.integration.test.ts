/**
 * Differential tests of balancing for the stream (TCP) proxy against nginx 1.22's stream module:
 * the same peer state and strategies, with retries only on connect failures (reference/nginx.md
 * §1.9, §5 stream_upstream.t, stream_proxy_next_upstream.t, stream_upstream_hash.t,
 * stream_upstream_least_conn.t).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gets, seq, skipWithoutNginxStream, streamDifferential, tally } from './differential/check.js';

const skip = skipWithoutNginxStream();

describe('stream balancing matches nginx', { skip }, () => {
  it('weights 1:2 over 30 connections give 10/20 in nginx order', async () => {
    const { real } = await streamDifferential({
      name: 'stream-w12',
      backends: [{ id: 'a' }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { weight: 2 } }],
      steps: gets(30),
    });
    assert.deepEqual(tally(real.outcomes), { a: 10, b: 20 });
  });

  it('stream_upstream.t: {dead+down, dead, A, B} gives 15/15', async () => {
    const { real } = await streamDifferential({
      name: 'stream-dead',
      backends: [{ id: 'x', dead: true }, { id: 'y', dead: true }, { id: 'a' }, { id: 'b' }],
      servers: [
        { backend: 'x', params: { down: true } },
        { backend: 'y' },
        { backend: 'a' },
        { backend: 'b' },
      ],
      steps: gets(30),
    });
    assert.deepEqual(tally(real.outcomes), { a: 15, b: 15 });
  });

  it('a dead primary with a backup sends everything to the backup', async () => {
    const { real } = await streamDifferential({
      name: 'stream-backup',
      backends: [{ id: 'x', dead: true }, { id: 'b' }],
      servers: [{ backend: 'x' }, { backend: 'b', params: { backup: true } }],
      steps: gets(10),
    });
    assert.equal(seq(real.outcomes), 'bbbbbbbbbb');
  });

  it('stream_proxy_next_upstream.t: off closes the client; tries 2 never reaches the backup', async () => {
    const off = await streamDifferential({
      name: 'stream-off',
      backends: [{ id: 'x', dead: true }, { id: 'b' }],
      servers: [{ backend: 'x' }, { backend: 'b', params: { backup: true } }],
      next: { conditions: ['off'] },
      steps: gets(1),
    });
    assert.equal(off.real.outcomes[0]?.backend, '-');
    const tries = await streamDifferential({
      name: 'stream-tries',
      backends: [{ id: 'x', dead: true }, { id: 'y', dead: true }, { id: 'b' }],
      servers: [{ backend: 'x' }, { backend: 'y' }, { backend: 'b', params: { backup: true } }],
      next: { tries: 2 },
      steps: gets(1),
    });
    assert.deepEqual(tries.real.outcomes[0], { backend: '-', status: 502, ua: 'x, y', us: '' });
  });

  it('least_conn: with a held connection the next ones all go to the other peer', async () => {
    const { real } = await streamDifferential({
      name: 'stream-lc',
      method: 'least_conn',
      backends: [{ id: 'a', behaviour: (_p, n) => (n === 1 ? 'hang' : 'ok') }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: [{ path: '/', hold: true }, ...gets(6), { release: true }, ...gets(4)],
    });
    assert.equal(seq(real.outcomes).slice(0, 7), 'abbbbbb');
  });

  it('hash $remote_addr consistent over 200 clients, with a dead peer', async () => {
    const clients = Array.from({ length: 200 }, (_, i) => ({
      path: '/',
      from: `127.${1 + (i % 3)}.${i % 256}.${2 + (i % 200)}`,
    }));
    const { real } = await streamDifferential({
      name: 'stream-chash',
      method: 'hash',
      options: { key: '$remote_addr', consistent: true },
      backends: [{ id: 'a' }, { id: 'x', dead: true }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'x' }, { backend: 'b' }, { backend: 'c' }],
      steps: clients,
    });
    assert.ok(real.outcomes.some((o) => o.ua.startsWith('x, ')));
  });

  it('hash $remote_addr (not consistent) over 200 clients', async () => {
    const clients = Array.from({ length: 200 }, (_, i) => ({
      path: '/',
      from: `127.${1 + (i % 3)}.${i % 256}.${2 + (i % 200)}`,
    }));
    await streamDifferential({
      name: 'stream-hash',
      method: 'hash',
      options: { key: '$remote_addr' },
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [{ backend: 'a' }, { backend: 'b', params: { weight: 2 } }, { backend: 'c' }],
      steps: clients,
    });
  });
});
