/**
 * Receive-side interop with keepalived 2.2.7: the adverts it really sent (captured, see codec.test.ts) pass
 * Tandem's validation for the matching instance, hold a Tandem backup down, and its priority-0 adverts make
 * the backup take over after Skew_Time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { packetFromIPv4Datagram, type ReceivedVrrpPacket } from '../../../plugins/vrrp/codec/packet.js';
import type { VrrpParams } from '../../../plugins/vrrp/params.js';
import { createVrrpState, step } from '../../../plugins/vrrp/state-machine.js';
import { masterDownUs, skewUs } from '../../../plugins/vrrp/timers.js';
import { fixture } from '../../helpers/paths.js';
import { inst } from './sim/helpers.js';

interface Captured {
  family: 'ipv4' | 'ipv6';
  src: string;
  dst: string;
  ttl: number;
  datagram?: string;
  payload?: string;
  vrid: number;
  prio: number;
}

const capture = JSON.parse(readFileSync(fixture('vrrp', 'keepalived-2.2.7-adverts.json'), 'utf8')) as {
  packets: Captured[];
};

const ME = '198.51.100.2';
/** Tandem's side of the capture link (vB), with the same instances at priority 100. */
const params: VrrpParams = {
  instances: [
    inst({ interface: 'vB', sourceAddress: ME, auth: { type: 'PASS', password: 'secret1' } }),
    inst({
      name: 'VI_3',
      vrid: 53,
      version: 3,
      interface: 'vB',
      sourceAddress: ME,
      advertIntMs: 1000,
      vips: [{ address: '198.51.100.103' }],
    }),
    inst({
      name: 'VI_4',
      vrid: 54,
      version: 3,
      interface: 'vB',
      sourceAddress: ME,
      unicastPeers: [{ address: '198.51.100.1' }],
      vips: [{ address: '198.51.100.105' }],
    }),
    inst({
      name: 'VI_6',
      vrid: 56,
      version: 3,
      family: 'ipv6',
      interface: 'vB',
      sourceAddress: 'fe80::b',
      vips: [{ address: '2001:db8::66' }],
    }),
  ],
};
const byVrid: Record<number, string> = { 51: 'VI_1', 53: 'VI_3', 54: 'VI_4', 56: 'VI_6' };

function packetOf(c: Captured): ReceivedVrrpPacket {
  if (c.family === 'ipv4')
    return packetFromIPv4Datagram('vB', new Uint8Array(Buffer.from(c.datagram!, 'hex')))!;
  return {
    family: 'ipv6',
    interface: 'vB',
    src: c.src,
    dst: c.dst,
    ttl: c.ttl,
    payload: new Uint8Array(Buffer.from(c.payload!, 'hex')),
  };
}

describe('keepalived adverts into a Tandem backup', () => {
  const started = step(createVrrpState(params), { type: 'start', now: 0 }).state;
  for (const c of capture.packets) {
    const name = byVrid[c.vrid]!;
    it(`${name} priority ${c.prio}: accepted, and the down timer set as keepalived would`, () => {
      const r = step(started, { type: 'packet', now: 1000, packet: packetOf(c) });
      assert.deepEqual(
        r.effects.filter((e) => e.type === 'log' && e.level === 'info'),
        [],
      );
      const s = r.state.instances[name]!;
      assert.equal(r.state.stats[name]!.advertRcvd, 1);
      const version = name === 'VI_1' ? 2 : 3;
      // v3 learns keepalived's interval from the advert (VI_3 advertises 50 cs, ours is 100).
      const mai = version === 2 ? 1_000_000 : name === 'VI_3' ? 500_000 : 1_000_000;
      assert.equal(s.masterAdverIntUs, c.prio === 0 ? 1_000_000 : mai);
      const expectUs =
        c.prio === 0 ? skewUs(version, 100, s.masterAdverIntUs) : masterDownUs(version, 100, mai);
      assert.ok(Math.abs(s.timers['master-down']! - (1000 + expectUs / 1000)) < 1e-6);
      assert.equal(s.state, 'BACKUP');
    });
  }
});
