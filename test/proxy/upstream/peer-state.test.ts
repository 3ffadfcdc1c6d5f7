/**
 * Unit tests of nginx's peer accounting on a virtual whole-second clock (reference/nginx.md §1.0–§1.2):
 * SWRR, effective weight, max_fails/fail_timeout with the single probe, the single-peer shortcut,
 * backup, down, max_conns and the tries budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  VirtualClock,
  createUpstream,
  implicitUpstreamParams,
  roundRobinPlugin,
  seededRandom,
} from '../../../src/index.js';
import { one, run, testUpstream } from '../../helpers/upstream.js';

describe('smooth weighted round robin', () => {
  it('weights 5,1,1 / 1,2 / equal give nginx sequences from a fresh start', () => {
    assert.equal(run(testUpstream('round_robin', [['a', { weight: 5 }], 'b', 'c']).upstream, 7), 'aabacaa');
    assert.equal(run(testUpstream('round_robin', ['a', ['b', { weight: 2 }]]).upstream, 3), 'bab');
    assert.equal(run(testUpstream('round_robin', ['a', 'b', 'c']).upstream, 6), 'abcabc');
  });

  it('serves each peer exactly its weight in every cycle of Σweight requests (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), (weights) => {
        const names = weights.map((_, i) => String.fromCharCode(97 + i));
        const { upstream } = testUpstream(
          'round_robin',
          names.map((n, i) => [n, { weight: weights[i] ?? 1 }]),
        );
        const total = weights.reduce((a, b) => a + b, 0);
        for (let cycle = 0; cycle < 2; cycle++) {
          const s = run(upstream, total);
          names.forEach((n, i) => {
            assert.equal(s.split(n).length - 1, weights[i]);
          });
        }
      }),
    );
  });

  it('a down peer is skipped but counts in total weight; it adds no tries', () => {
    const { upstream } = testUpstream('round_robin', ['a', ['b', { down: true }], 'c']);
    assert.equal(run(upstream, 4), 'acac');
    assert.equal(upstream.primary.totalWeight, 3);
    assert.equal(upstream.begin().tries, 2);
  });
});

describe('max_fails and fail_timeout', () => {
  it('a failure lowers effective weight by weight div max_fails (integer) and it recovers by 1 per round', () => {
    const { upstream } = testUpstream('round_robin', [
      ['a', { weight: 3, maxFails: 3 }],
      ['b', { weight: 3 }],
    ]);
    const req = upstream.begin();
    assert.equal(req.pick()?.name, 'a');
    req.free('failed');
    const a = upstream.primary.peers[0]!;
    assert.equal(a.effectiveWeight, 2);
    assert.equal(a.fails, 1);
    assert.equal(req.pick()?.name, 'b');
    req.free('ok');
    assert.equal(run(upstream, 10), 'bbabababab', 'reference §1.1: A,B B B A B A B A B A B');
    const w1 = testUpstream('round_robin', [['a', { maxFails: 3 }], 'b']).upstream;
    const r = w1.begin();
    r.pick();
    r.free('failed');
    assert.equal(w1.primary.peers[0]!.effectiveWeight, 1, '1 div 3 = 0: no reduction');
  });

  it('excludes a failed peer while now - checked <= fail_timeout, whole seconds', () => {
    const { upstream, clock } = testUpstream('round_robin', [['a', { failTimeout: 2000 }], 'b']);
    clock.advance(300); // second F = 1_700_000_000, 300 ms in
    const req = upstream.begin();
    req.pick();
    assert.equal(req.free('failed'), true, 'max_fails=1 disables at once');
    const a = upstream.primary.peers[0]!;
    clock.advance(2600); // F + 2.9 s: now = F + 2 -> still excluded
    assert.equal(a.isAvailable(upstream.nowSec()), false);
    assert.equal(run(upstream, 2), 'bb');
    clock.advance(200); // F + 3.1 s: now = F + 3 -> eligible
    assert.equal(a.isAvailable(upstream.nowSec()), true);
  });

  it('a probe sets checked, so exactly one request probes per window; success clears fails', () => {
    const { upstream, clock } = testUpstream('round_robin', [['a', { failTimeout: 1000 }], 'b']);
    const r0 = upstream.begin();
    r0.pick();
    r0.free('failed');
    clock.advance(2000);
    const a = upstream.primary.peers[0]!;
    a.effectiveWeight = a.weight; // make the probe the next SWRR pick
    a.currentWeight = 10;
    const probe = upstream.begin();
    assert.equal(probe.pick()?.name, 'a');
    assert.equal(a.checked, upstream.nowSec());
    // While the probe is in flight every other request sees a as failed again.
    assert.equal(run(upstream, 3), 'bbb');
    probe.free('ok');
    assert.equal(a.fails, 0, 'accessed < checked: the success clears fails');
    assert.ok(run(upstream, 4).includes('a'));
  });

  it('ordinary successes do not clear fails: max_fails=3 counts failures spread over time', () => {
    const { upstream } = testUpstream('round_robin', [['a', { maxFails: 3 }], 'b']);
    const a = upstream.primary.peers[0]!;
    let served = 0;
    for (let i = 0; i < 40 && a.fails < 3; i++) {
      const req = upstream.begin();
      const p = req.pick();
      if (p?.name === 'a') {
        served++;
        req.free(served % 3 === 0 ? 'failed' : 'ok');
        if (served % 3 === 0) {
          req.pick();
          req.free('ok');
        }
      } else req.free('ok');
    }
    assert.equal(a.fails, 3);
    assert.equal(served, 9, 'upstream.t: disabled after its 9th request');
  });

  it('stream: a successful connect of the probe clears fails before the session ends', () => {
    const { upstream, clock } = testUpstream('round_robin', [['a', { failTimeout: 1000 }], 'b']);
    const r0 = upstream.begin();
    r0.pick();
    r0.free('failed');
    clock.advance(2000);
    const a = upstream.primary.peers[0]!;
    a.effectiveWeight = a.weight;
    a.currentWeight = 10;
    const probe = upstream.begin();
    assert.equal(probe.pick(), a);
    probe.connected();
    assert.equal(a.fails, 0);
    probe.free('ok');
  });

  it('max_fails=0 turns accounting off', () => {
    const { upstream } = testUpstream('round_robin', [['a', { maxFails: 0 }], 'b']);
    for (let i = 0; i < 4; i++) {
      const req = upstream.begin();
      req.pick();
      req.free('failed');
    }
    const a = upstream.primary.peers[0]!;
    assert.equal(a.effectiveWeight, 1);
    assert.equal(a.isAvailable(upstream.nowSec()), true);
  });

  it('next (403/404) is not a failure and clears fails like a success', () => {
    const { upstream } = testUpstream('round_robin', ['a', 'b']);
    const req = upstream.begin();
    req.pick();
    assert.equal(req.free('next'), false);
    assert.equal(upstream.primary.peers[0]!.fails, 0);
  });
});

describe('single peer, backup, max_conns, tries', () => {
  it('a single peer ignores max_fails, is never retried, and keeps no accounting', () => {
    const { upstream } = testUpstream('round_robin', ['a']);
    for (let i = 0; i < 3; i++) {
      const req = upstream.begin();
      assert.equal(req.pick()?.name, 'a');
      assert.equal(req.free('failed'), false);
      assert.equal(req.tries, 0);
    }
    assert.equal(upstream.primary.peers[0]!.fails, 0);
  });

  it('a single down or full peer is "no live upstreams"', () => {
    assert.equal(one(testUpstream('round_robin', [['a', { down: true }]]).upstream), '-');
    const { upstream } = testUpstream('round_robin', [['a', { maxConns: 1 }]]);
    const held = upstream.begin();
    held.pick();
    assert.equal(one(upstream), '-');
    held.free('ok');
    assert.equal(one(upstream), 'a');
  });

  it('one primary with a backup is not single: it fails over to the backup inside the request', () => {
    const { upstream } = testUpstream('round_robin', ['a', ['b', { backup: true }]]);
    assert.equal(upstream.primary.single, false);
    const req = upstream.begin();
    assert.equal(req.tries, 2);
    assert.equal(req.pick()?.name, 'a');
    req.free('failed');
    assert.equal(req.pick()?.name, 'b');
    assert.equal(req.set, upstream.backup);
    req.free('ok');
    assert.equal(one(upstream), 'b', 'a is failed: the next request starts on primaries, then backup');
  });

  it('max_conns counts active connections and spills to backup; backups have their own rotation', () => {
    const { upstream } = testUpstream('round_robin', [
      ['a', { maxConns: 1 }],
      'x',
      ['b', { backup: true }],
      ['c', { backup: true }],
    ]);
    const x = upstream.primary.peers[1]!;
    const h1 = upstream.begin();
    h1.pick(); // a
    const h2 = upstream.begin();
    assert.equal(h2.pick(), x);
    // x failed in this request -> b (backup), tried bitmap reset on the switch
    h2.free('failed');
    assert.equal(h2.pick()?.name, 'b');
    assert.equal(one(upstream), 'c');
    h1.free('ok');
    h2.free('ok');
    assert.equal(one(upstream), 'a');
  });

  it('the tries budget is non-down primaries plus backups, capped by proxy_next_upstream_tries', () => {
    const { upstream } = testUpstream('round_robin', [
      'a',
      ['b', { down: true }],
      'c',
      ['d', { backup: true }],
    ]);
    assert.equal(upstream.begin().tries, 3);
    assert.equal(upstream.begin({}, 2).tries, 2);
    const req = upstream.begin({}, 2);
    req.pick();
    req.free('failed');
    assert.equal(req.tries, 1);
    req.pick();
    req.free('failed');
    assert.equal(req.tries, 0);
  });

  it('an implicit upstream (proxy_pass http://host:port) rotates over its addresses, single with one', () => {
    const deps = { clock: new VirtualClock(), random: seededRandom(1) };
    const two = createUpstream(
      implicitUpstreamParams('app:8080', ['10.0.0.1:8080', '10.0.0.2:8080']),
      roundRobinPlugin,
      deps,
    );
    const addrs = [0, 1, 2].map(() => {
      const r = two.begin();
      const p = r.pick();
      r.free('ok');
      return p?.address;
    });
    assert.deepEqual(addrs, ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.1:8080']);
    assert.equal(two.primary.peers[0]?.failTimeout, 10);
    const one1 = createUpstream(
      implicitUpstreamParams('app:8080', ['10.0.0.1:8080']),
      roundRobinPlugin,
      deps,
    );
    assert.equal(one1.primary.single, true);
  });

  it('a pooled request is reused without allocating a new bitmap', () => {
    const { upstream } = testUpstream('round_robin', ['a', 'b']);
    const req = upstream.begin();
    req.pick();
    req.free('ok');
    assert.equal(upstream.restart(req).isTried(0), false);
    assert.equal(req.pick()?.name, 'b');
  });
});
