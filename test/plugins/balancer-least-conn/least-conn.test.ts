/** least_conn's selection and tie handling (reference/nginx.md §1.6). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { one, run, testUpstream } from '../../helpers/upstream.js';

describe('least_conn', () => {
  it('sequential traffic ties every time and matches smooth weighted round robin', () => {
    assert.equal(run(testUpstream('least_conn', [['a', { weight: 5 }], 'b', 'c']).upstream, 7), 'aabacaa');
  });

  it('X weight=4 held, A, B weight=2 gives B A B B A B', () => {
    const { upstream } = testUpstream('least_conn', [['x', { weight: 4 }], 'a', ['b', { weight: 2 }]]);
    const held = upstream.begin();
    assert.equal(held.pick()?.name, 'x');
    assert.equal(run(upstream, 6), 'babbab');
  });

  it('compares conns relative to weight and skips full peers', () => {
    const { upstream } = testUpstream('least_conn', ['a', ['b', { weight: 3, maxConns: 2 }]]);
    const held = [upstream.begin(), upstream.begin(), upstream.begin()].map((r) => (r.pick(), r));
    assert.deepEqual(
      held.map((r) => r.current?.name),
      ['b', 'a', 'b'],
    );
    assert.equal(one(upstream), 'a', 'b is at max_conns');
    for (const r of held) r.free('ok');
  });

  it('uses the backup set with the same rule when no primary is selectable', () => {
    const { upstream } = testUpstream('least_conn', [
      ['a', { maxConns: 1 }],
      ['b', { backup: true }],
      ['c', { backup: true }],
    ]);
    const h = upstream.begin();
    h.pick();
    const r1 = upstream.begin();
    assert.equal(r1.pick()?.name, 'b');
    assert.equal(one(upstream), 'c');
    r1.free('ok');
    h.free('ok');
  });
});
