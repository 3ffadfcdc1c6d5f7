/** random and random two with an injected source (reference/nginx.md §1.7). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RandomStrategy, type Random } from '../../../src/index.js';
import { one, testUpstream } from '../../helpers/upstream.js';

/** A source replaying fixed draws in [0, 1). */
const draws = (...xs: number[]): Random => {
  let i = 0;
  return () => xs[i++ % xs.length] ?? 0;
};

describe('random', () => {
  it('peeks random() % total_weight over weighted ranges', () => {
    // total weight 4: a owns [0,1), b [1,4); a draw d is the 31-bit value floor(d * 2^31).
    const x = (v: number) => v / 0x80000000 + 1e-12;
    const { upstream } = testUpstream('random', ['a', ['b', { weight: 3 }]], {}, draws(x(4), x(7)));
    assert.equal(one(upstream), 'a');
    assert.equal(one(upstream), 'b');
  });

  it('rejects down, failed and tried peers and falls back to round robin after 20 rejections', () => {
    const { upstream } = testUpstream('random', [['a', { down: true }], 'b'], {}, draws(0));
    const req = upstream.begin();
    assert.equal(req.pick()?.name, 'b', 'every draw hits the down peer: round robin after 21 tries');
    assert.equal(req.htries, 21);
    req.free('ok');
  });

  it('random two keeps the peer with fewer conns per weight, ties to the second', () => {
    const r = (x: number) => x / 0x80000000 + 1e-12;
    // total 2: draw 0 -> a, draw 1 -> b
    const { upstream } = testUpstream('random', ['a', 'b'], { two: true }, draws(r(0), r(1)));
    assert.ok(upstream.strategy instanceof RandomStrategy);
    assert.equal(one(upstream), 'b', 'tie goes to the second peek');
    const held = upstream.begin();
    held.pick(); // b again
    assert.equal(one(upstream), 'a', 'b is busier');
    held.free('ok');
  });

  it('distributes by weight with a seeded source', () => {
    const { upstream } = testUpstream('random', ['a', ['b', { weight: 3 }]]);
    let b = 0;
    for (let i = 0; i < 4000; i++) if (one(upstream) === 'b') b++;
    assert.ok(b > 2850 && b < 3150, String(b));
  });
});
