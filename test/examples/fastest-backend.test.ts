/** The example "fastest recent backend" strategy on a virtual clock, over the real upstream peer state. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fastestPlugin from '../../examples/custom-plugin/fastest-backend.js';
import {
  VirtualClock,
  createUpstream,
  seededRandom,
  serverParams,
  type PeerOutcome,
  type ServerParams,
  type Upstream,
} from '../../src/index.js';

type Line = [string, Partial<Omit<ServerParams, 'name'>>?];

function upstreamOf(lines: readonly (string | Line)[]): { upstream: Upstream; clock: VirtualClock } {
  const clock = new VirtualClock(0, 1_700_000_000_000);
  const servers = lines.map((l) => (typeof l === 'string' ? serverParams(l) : serverParams(l[0], l[1])));
  const upstream = createUpstream({ name: 'u', method: 'fastest', servers }, fastestPlugin, {
    clock,
    random: seededRandom(1),
  });
  return { upstream, clock };
}

/** One request whose attempt takes `latency[peer]` ms and ends with `outcome`; the peer's name or `-`. */
function request(
  u: Upstream,
  clock: VirtualClock,
  latency: Readonly<Record<string, number>>,
  outcome: PeerOutcome = 'ok',
): string {
  const req = u.begin();
  const p = req.pick();
  if (p === undefined) return '-';
  clock.advance(latency[p.name] ?? 1);
  req.free(outcome);
  return p.name;
}

function run(u: Upstream, clock: VirtualClock, latency: Readonly<Record<string, number>>, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += request(u, clock, latency);
  return s;
}

describe('example strategy: fastest recent backend', () => {
  it('measures unknown peers by round robin, then sends everything to the fastest', () => {
    const { upstream, clock } = upstreamOf(['a', 'b', 'c']);
    assert.equal(run(upstream, clock, { a: 50, b: 5, c: 20 }, 3), 'abc');
    assert.equal(run(upstream, clock, { a: 50, b: 5, c: 20 }, 8), 'bbbbbbbb');
  });

  it('moves away from a peer that became slow, and a one-off spike does not move it', () => {
    const { upstream, clock } = upstreamOf(['a', 'b']);
    run(upstream, clock, { a: 10, b: 30 }, 2);
    assert.equal(run(upstream, clock, { a: 10, b: 30 }, 3), 'aaa');
    // One 40 ms answer: the average (0.3 weight) stays below b's 30.
    assert.equal(run(upstream, clock, { a: 40 }, 1), 'a');
    assert.equal(run(upstream, clock, { a: 10 }, 1), 'a');
    // a slows down for good: within a few requests b takes over.
    const s = run(upstream, clock, { a: 200, b: 30 }, 6);
    assert.match(s, /^a{1,3}b+$/, s);
  });

  it('re-measures a peer not chosen for staleMs, so a recovered slow peer is seen', () => {
    const { upstream, clock } = upstreamOf(['a', 'b']);
    run(upstream, clock, { a: 10, b: 300 }, 2);
    assert.equal(run(upstream, clock, { a: 10 }, 3), 'aaa');
    clock.advance(10_001);
    // b is stale: round robin probes it again, and now it is the fast one.
    const s = run(upstream, clock, { a: 10, b: 1 }, 4);
    assert.ok(s.includes('b'), s);
    assert.equal(run(upstream, clock, { a: 10, b: 1 }, 4), 'bbbb');
  });

  it('never picks a down peer, however fast it would be', () => {
    const { upstream, clock } = upstreamOf([['a', { down: true }], 'b', 'c']);
    assert.doesNotMatch(run(upstream, clock, { a: 1, b: 20, c: 10 }, 10), /a/);
  });

  it('respects max_fails/fail_timeout: a failed fast peer is skipped until its window passes', () => {
    const { upstream, clock } = upstreamOf([['a', { maxFails: 1, failTimeout: 10_000 }], 'b']);
    run(upstream, clock, { a: 1, b: 20 }, 2);
    assert.equal(request(upstream, clock, { a: 1 }, 'failed'), 'a');
    // Inside fail_timeout a is not available at all; b serves.
    assert.equal(run(upstream, clock, { b: 20 }, 5), 'bbbbb');
    const a = [...upstream.peers()].find((p) => p.name === 'a');
    assert.equal(a?.isFailed(upstream.nowSec()), true);
  });

  it('falls back to the backup servers when no primary is available, and back when one is', () => {
    const { upstream, clock } = upstreamOf([
      ['a', { maxFails: 1 }],
      ['z', { backup: true }],
    ]);
    assert.equal(request(upstream, clock, { a: 1 }, 'failed'), 'a');
    assert.equal(run(upstream, clock, { z: 5 }, 3), 'zzz');
    clock.advance(11_000);
    assert.equal(run(upstream, clock, { a: 1 }, 2), 'aa');
  });

  it('shares load when the fastest peer is busy: score is average × (active + 1)', () => {
    const { upstream, clock } = upstreamOf(['a', 'b']);
    run(upstream, clock, { a: 10, b: 15 }, 2);
    const held = upstream.begin();
    assert.equal(held.pick()?.name, 'a');
    // a: 10 × 2 = 20 > b: 15 × 1, so the next concurrent request goes to b.
    assert.equal(request(upstream, clock, { b: 15 }), 'b');
    held.free('ok');
  });
});
