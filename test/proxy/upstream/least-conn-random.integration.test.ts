/**
 * Differential tests of least_conn (exact sequences) and random (invariants only: nginx seeds
 * random() from pid and time) against the real nginx 1.22 (reference/nginx.md §1.6–§1.7, §5
 * upstream_least_conn.t, upstream_random.t).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runReal } from './differential/real.js';
import { differential, gets, seq, skipWithoutNginx, tally } from './differential/check.js';
import { simulate } from './differential/sim.js';
import type { Scenario } from './differential/scenario.js';

const skip = skipWithoutNginx();
const hang = (p: string) => (p === '/hang' ? ('hang' as const) : ('ok' as const));
const holds = (n: number) => Array.from({ length: n }, () => ({ path: '/hang', hold: true }));

describe('least_conn matches nginx', { skip }, () => {
  it('sequential traffic ties every time and rotates as round robin (5/5)', async () => {
    const { real } = await differential({
      name: 'lc-seq',
      method: 'least_conn',
      backends: [{ id: 'a' }, { id: 'b' }],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: gets(10),
    });
    assert.deepEqual(tally(real.outcomes), { a: 5, b: 5 });
  });

  it('with a held connection on one peer, the next requests all go to the other', async () => {
    const { real } = await differential({
      name: 'lc-held',
      method: 'least_conn',
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
      ],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: [...holds(1), ...gets(10), { release: true }],
    });
    assert.equal(seq(real.outcomes), 'abbbbbbbbbb');
  });

  it('X weight=4 held, A, B weight=2: B A B B A B', async () => {
    const { real } = await differential({
      name: 'lc-weights',
      method: 'least_conn',
      backends: [{ id: 'x', behaviour: hang }, { id: 'a' }, { id: 'b' }],
      servers: [
        { backend: 'x', params: { weight: 4 } },
        { backend: 'a' },
        { backend: 'b', params: { weight: 2 } },
      ],
      steps: [...holds(1), ...gets(6), { release: true }],
    });
    assert.equal(seq(real.outcomes), 'xbabbab');
  });

  it('held connections weighted by weight, then backup when primaries are full', async () => {
    const { real } = await differential({
      name: 'lc-maxconns-backup',
      method: 'least_conn',
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
        { id: 'c', behaviour: hang },
      ],
      servers: [
        { backend: 'a', params: { maxConns: 2 } },
        { backend: 'b', params: { weight: 3, maxConns: 3 } },
        { backend: 'c', params: { backup: true } },
      ],
      steps: [...holds(7), { release: true }, ...gets(4)],
    });
    assert.equal(tally(real.outcomes.slice(0, 7)).c, 2);
  });
});

/** Runs a random case on nginx and on the simulation, returning both outcome lists. */
async function both(sc: Scenario) {
  const real = await runReal(sc);
  const sim = simulate(sc, real.ports, real.times, 12345);
  return { real: real.outcomes, sim: sim.outcomes };
}

describe('random keeps nginx invariants', { skip }, () => {
  it('random never picks a down peer and follows the weights', async () => {
    const r = await both({
      name: 'random',
      method: 'random',
      backends: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      servers: [
        { backend: 'a' },
        { backend: 'b', params: { weight: 3 } },
        { backend: 'c', params: { down: true } },
      ],
      steps: gets(200),
    });
    for (const outcomes of [r.real, r.sim]) {
      const t = tally(outcomes);
      assert.equal(t.c, undefined);
      assert.equal((t.a ?? 0) + (t.b ?? 0), 200);
      // b has 3/4 of the weight: expect 150, allow a wide band (p < 1e-6 outside it).
      assert.ok((t.b ?? 0) > 115 && (t.b ?? 0) < 185, JSON.stringify(t));
    }
  });

  it('random two avoids the busier peer', async () => {
    const r = await both({
      name: 'random-two',
      method: 'random',
      options: { two: true },
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
      ],
      servers: [{ backend: 'a' }, { backend: 'b' }],
      steps: [...holds(1), ...gets(20), { release: true }],
    });
    for (const outcomes of [r.real, r.sim]) {
      const busy = outcomes[0]?.backend;
      assert.ok(
        outcomes.slice(1).every((o) => o.backend !== busy && o.status === 200),
        seq(outcomes),
      );
    }
  });

  it('upstream_random.t: random two with max_conns 2/1 serves 2/1 of 3 parallel requests', async () => {
    const r = await both({
      name: 'random-two-max-conns',
      method: 'random',
      options: { two: true },
      backends: [
        { id: 'a', behaviour: hang },
        { id: 'b', behaviour: hang },
      ],
      servers: [
        { backend: 'a', params: { maxConns: 2 } },
        { backend: 'b', params: { maxConns: 1 } },
      ],
      steps: [...holds(3), { release: true }],
    });
    for (const outcomes of [r.real, r.sim]) assert.deepEqual(tally(outcomes), { a: 2, b: 1 });
  });

  it('random over {dead, down, live} sends everything to the live peer', async () => {
    const r = await both({
      name: 'random-dead',
      method: 'random',
      options: { two: true },
      backends: [{ id: 'x', dead: true }, { id: 'd' }, { id: 'a' }],
      servers: [{ backend: 'x' }, { backend: 'd', params: { down: true } }, { backend: 'a' }],
      steps: gets(10),
    });
    for (const outcomes of [r.real, r.sim])
      assert.ok(
        outcomes.every((o) => o.backend === 'a'),
        seq(outcomes),
      );
  });
});
