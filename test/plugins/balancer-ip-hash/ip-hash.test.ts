/** ip_hash against the values validated on nginx 1.22 (reference/nginx.md §1.3). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipHashPlugin } from '../../../src/index.js';
import { one, testUpstream } from '../../helpers/upstream.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => String(i));
const at = (addr: string, n: number) => one(testUpstream('ip_hash', names(n)).upstream, { remoteAddr: addr });

describe('ip_hash', () => {
  it('maps addresses to the peers nginx picks with 2, 3 and 4 equal peers', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', '020'],
      ['127.0.1.1', '101'],
      ['127.0.2.1', '012'],
      ['127.0.3.1', '123'],
      ['127.1.0.1', '111'],
      ['10.0.0.1', '101'],
      ['::1', '121'],
    ];
    for (const [addr, want] of cases) assert.equal([2, 3, 4].map((n) => at(addr, n)).join(''), want, addr);
  });

  it('hashes only the first three bytes of IPv4', () => {
    assert.equal(at('192.168.7.1', 4), at('192.168.7.254', 4));
  });

  it('upstream_ip_hash.t: 127.0.1.2 ... 127.0.30.2 give 15/15 and 10/10/10', () => {
    for (const n of [2, 3]) {
      const { upstream } = testUpstream('ip_hash', names(n));
      const counts = new Map<string, number>();
      for (let i = 1; i <= 30; i++) {
        const p = one(upstream, { remoteAddr: `127.0.${i}.2` });
        counts.set(p, (counts.get(p) ?? 0) + 1);
      }
      assert.deepEqual(
        [...counts.values()],
        Array.from({ length: n }, () => 30 / n),
      );
    }
  });

  it('unix-socket clients all map to one peer; a failed peer continues the hash chain', () => {
    assert.equal(at('unix:', 3), at('', 3));
    const { upstream } = testUpstream('ip_hash', ['0', '1', '2', '3']);
    const req = upstream.begin({ remoteAddr: '127.0.2.1' });
    assert.equal(req.pick()?.name, '2');
    req.free('failed');
    const second = req.pick()?.name;
    assert.ok(second !== undefined && second !== '2');
    req.free('ok');
    assert.notEqual(one(upstream, { remoteAddr: '127.0.2.1' }), '2');
  });

  it('falls back to round robin after 20 rejections (every peer down but one)', () => {
    const { upstream } = testUpstream('ip_hash', [['0', { down: true }], ['1', { down: true }], '2']);
    for (let i = 0; i < 5; i++) assert.equal(one(upstream, { remoteAddr: `10.${i}.0.1` }), '2');
  });

  it('declines backup servers as nginx does', () => {
    assert.equal(ipHashPlugin.backup, false);
  });
});
