/** hash KEY and hash KEY consistent against the values validated on nginx 1.22 (reference §1.4–§1.5). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsistentHash } from '../../../src/index.js';
import { buildRing, splitServer } from '../../../plugins/balancer-hash/ring.js';
import { one, testUpstream } from '../../helpers/upstream.js';

const four = ['0', '1', '2', '3'];
const ports = ['127.0.0.1:39101', '127.0.0.1:39102', '127.0.0.1:39103', '127.0.0.1:39104'];

describe('hash KEY', () => {
  it('places keys as nginx (Cache::Memcached compatible)', () => {
    const { upstream } = testUpstream('hash', four);
    const got = ['a', 'b', 'foo', '1', '2', '3', '4', '5', '127.0.0.1'].map((k) =>
      one(upstream, { hashKey: k }),
    );
    assert.deepEqual(got, ['3', '2', '3', '0', '1', '2', '2', '1', '3']);
    assert.equal(one(testUpstream('hash', ['0', '1']).upstream, { hashKey: '127.0.0.1' }), '1');
  });

  it('an empty key is plain round robin', () => {
    const { upstream } = testUpstream('hash', ['a', 'b', 'c']);
    assert.equal(['', '', '', ''].map((k) => one(upstream, { hashKey: k })).join(''), 'abca');
  });

  it('a failed peer rehashes with the decimal prefix, and the chain carries over to the retry', () => {
    const { upstream } = testUpstream('hash', four);
    const req = upstream.begin({ hashKey: 'a' });
    assert.equal(req.pick()?.name, '3');
    req.free('failed');
    const retry = req.pick();
    assert.ok(retry !== undefined && retry.name !== '3');
    assert.equal(req.rehash, 2);
    req.free('ok');
    // The next request for the key starts over and skips the disabled peer the same way.
    assert.equal(one(upstream, { hashKey: 'a' }), retry.name);
  });
});

describe('hash KEY consistent', () => {
  it('places keys as nginx (Cache::Memcached::Fast compatible ring)', () => {
    const { upstream } = testUpstream('hash', ports, { consistent: true });
    const got = ['a', 'b', 'foo', '1', '2', '3', '4', '5'].map((k) => one(upstream, { hashKey: k }));
    assert.deepEqual(
      got,
      ['0', '1', '1', '0', '1', '2', '1', '3'].map((i) => ports[Number(i)]),
    );
  });

  it('builds 160 points per unit of weight from host "\\0" port, sorted', () => {
    const ring = buildRing(
      ports.map((name, i) => ({
        name,
        weight: i + 1,
        maxFails: 1,
        failTimeout: 10_000,
        backup: false,
        down: false,
        maxConns: 0,
      })),
    );
    assert.equal(ring.hashes.length, 160 * 10);
    for (let i = 1; i < ring.hashes.length; i++) assert.ok(ring.hashes[i - 1]! < ring.hashes[i]!);
    assert.deepEqual(splitServer('unix:/tmp/s'), { host: '/tmp/s', port: '' });
    assert.deepEqual(splitServer('[::1]:80'), { host: '[::1]', port: '80' });
    assert.deepEqual(splitServer('backend'), { host: 'backend', port: '' });
  });

  it('removing a peer only moves the keys it owned', () => {
    const all = testUpstream('hash', ports, { consistent: true }).upstream;
    const three = testUpstream('hash', ports.slice(0, 3), { consistent: true }).upstream;
    for (let i = 0; i < 300; i++) {
      const before = one(all, { hashKey: `/k/${i}` });
      if (before !== ports[3]) assert.equal(one(three, { hashKey: `/k/${i}` }), before);
    }
  });

  it('addresses of one server line share its points and alternate by round robin', () => {
    const { upstream } = testUpstream(
      'hash',
      [['b:80', { address: '10.0.0.1:80' }], ['b:80', { address: '10.0.0.2:80' }], 'c:80'],
      { consistent: true },
    );
    assert.ok(upstream.strategy instanceof ConsistentHash);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const req = upstream.begin({ hashKey: `k${i}` });
      const p = req.pick();
      req.free('ok');
      if (p?.name === 'b:80') seen.add(p.address);
    }
    assert.deepEqual([...seen].sort(), ['10.0.0.1:80', '10.0.0.2:80']);
  });
});
