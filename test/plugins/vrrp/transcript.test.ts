/**
 * Log parity with the real daemon: the instance lines keepalived 2.2.7 logged (with -D) for
 * test/fixtures/vrrp/capture-keepalived.conf, alone on a link for 7 s then SIGTERM, are exactly the lines the
 * reducer emits for the same configuration (keepalived.md §5).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SimLan } from '../../../plugins/vrrp/sim/lan.js';
import { fixture } from '../../helpers/paths.js';
import { inst } from './sim/helpers.js';

const SRC = '198.51.100.1';

describe('keepalived log transcript', () => {
  it('start, four takeovers (v2 PASS, v3 0.5 s, v3 unicast, IPv6), the delayed GARP burst, and SIGTERM', () => {
    const expected = readFileSync(fixture('vrrp', 'keepalived-2.2.7-transcript.txt'), 'utf8')
      .trim()
      .split('\n');
    const lan = new SimLan();
    const r = lan.add(
      'A',
      {
        instances: [
          inst({
            interface: 'vA',
            sourceAddress: SRC,
            priority: 150,
            auth: { type: 'PASS', password: 'secret1' },
          }),
          inst({
            name: 'VI_3',
            vrid: 53,
            version: 3,
            interface: 'vA',
            sourceAddress: SRC,
            priority: 120,
            advertIntMs: 500,
            vips: [{ address: '198.51.100.103', prefixLength: 24 }],
          }),
          inst({
            name: 'VI_4',
            vrid: 54,
            version: 3,
            interface: 'vA',
            sourceAddress: SRC,
            priority: 110,
            unicastPeers: [{ address: '198.51.100.2' }],
            vips: [{ address: '198.51.100.105', prefixLength: 24 }],
          }),
          inst({
            name: 'VI_6',
            vrid: 56,
            version: 3,
            family: 'ipv6',
            interface: 'vA',
            sourceAddress: 'fe80::a',
            priority: 200,
            vips: [{ address: '2001:db8::66', prefixLength: 64 }],
          }),
        ],
      },
      'vA',
    );
    r.start();
    lan.runUntil(7000);
    r.stop();
    const ours = r
      .logs()
      .map((l) => l.value)
      .filter((m) => m.startsWith('(VI_'));
    assert.deepEqual(ours, expected);
  });
});
