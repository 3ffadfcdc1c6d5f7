/**
 * Fuzz: 100,000+ random and mutated packets into the decoder and the reducer (issue 5). Nothing throws, and a
 * packet that fails validation changes no instance state (only counters and a log line).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom, type Random } from '../../../src/index.js';
import { decodeAdvert } from '../../../plugins/vrrp/codec/decode.js';
import { encodeAdvert } from '../../../plugins/vrrp/codec/encode.js';
import { buildIPv4Header } from '../../../plugins/vrrp/codec/ipv4-header.js';
import { packetFromIPv4Datagram, type ReceivedVrrpPacket } from '../../../plugins/vrrp/codec/packet.js';
import { checkAdvert } from '../../../plugins/vrrp/codec/validate.js';
import type { VrrpParams } from '../../../plugins/vrrp/params.js';
import { createVrrpState, step } from '../../../plugins/vrrp/state-machine.js';
import type { VrrpState } from '../../../plugins/vrrp/types.js';
import { inst } from './sim/helpers.js';

const ME = '198.51.100.2';
const PEER = '198.51.100.1';

const params: VrrpParams = {
  instances: [
    inst({ sourceAddress: ME, priority: 100, auth: { type: 'PASS', password: 'secret1' } }),
    inst({
      name: 'VI_3',
      vrid: 53,
      version: 3,
      advertIntMs: 500,
      sourceAddress: ME,
      priority: 120,
      vips: [{ address: '198.51.100.103' }, { address: '198.51.100.104' }],
    }),
    inst({
      name: 'VI_4',
      vrid: 54,
      version: 3,
      sourceAddress: ME,
      priority: 110,
      vips: [{ address: '198.51.100.105' }],
      unicastPeers: [{ address: PEER }],
    }),
    inst({
      name: 'VI_6',
      vrid: 56,
      version: 3,
      family: 'ipv6',
      sourceAddress: 'fe80::2',
      vips: [{ address: '2001:db8::66' }],
    }),
  ],
};

function seeds(): ReceivedVrrpPacket[] {
  const v4 = (payload: Uint8Array, dst: string): ReceivedVrrpPacket => {
    const h = buildIPv4Header({ src: PEER, dst, payloadLength: payload.length, id: 7 });
    const d = new Uint8Array(h.length + payload.length);
    d.set(h);
    d.set(payload, h.length);
    return packetFromIPv4Datagram('eth0', d)!;
  };
  const out: ReceivedVrrpPacket[] = [];
  for (const prio of [0, 50, 100, 150, 255]) {
    out.push(
      v4(
        encodeAdvert({
          version: 2,
          family: 'ipv4',
          vrid: 51,
          priority: prio,
          advertInt: 1,
          addresses: ['198.51.100.100'],
          authType: 1,
          password: 'secret1',
          src: PEER,
          dst: '224.0.0.18',
        }),
        '224.0.0.18',
      ),
    );
    out.push(
      v4(
        encodeAdvert({
          version: 3,
          family: 'ipv4',
          vrid: 53,
          priority: prio,
          advertInt: 50,
          addresses: ['198.51.100.103', '198.51.100.104'],
          src: PEER,
          dst: '224.0.0.18',
        }),
        '224.0.0.18',
      ),
    );
    out.push(
      v4(
        encodeAdvert({
          version: 3,
          family: 'ipv4',
          vrid: 54,
          priority: prio,
          advertInt: 100,
          addresses: ['198.51.100.105'],
          src: PEER,
          dst: ME,
        }),
        ME,
      ),
    );
    out.push({
      family: 'ipv6',
      interface: 'eth0',
      src: 'fe80::1',
      dst: 'ff02::12',
      ttl: 255,
      payload: encodeAdvert({
        version: 3,
        family: 'ipv6',
        vrid: 56,
        priority: prio,
        advertInt: 100,
        addresses: ['2001:db8::66'],
        src: 'fe80::1',
        dst: 'ff02::12',
      }),
    });
  }
  return out;
}

function mutate(rnd: Random, p: ReceivedVrrpPacket): ReceivedVrrpPacket {
  const pick = (n: number): number => Math.floor(rnd() * n);
  const whole = p.ipHeader !== undefined ? new Uint8Array([...p.ipHeader, ...p.payload]) : p.payload.slice();
  let bytes: Uint8Array = whole;
  const kind = pick(6);
  if (kind === 0) {
    bytes = new Uint8Array(pick(80));
    for (let i = 0; i < bytes.length; i++) bytes[i] = pick(256);
  } else if (kind === 1) bytes = whole.subarray(0, pick(whole.length + 1));
  else if (kind === 2) {
    bytes = new Uint8Array(whole.length + 1 + pick(40));
    bytes.set(whole);
    for (let i = whole.length; i < bytes.length; i++) bytes[i] = pick(256);
  } else {
    const n = 1 + pick(kind === 5 ? 8 : 2);
    for (let k = 0; k < n; k++) {
      const i = pick(whole.length);
      bytes[i] = kind === 3 ? (bytes[i] ?? 0) ^ (1 << pick(8)) : pick(256);
    }
  }
  if (p.family === 'ipv6') {
    const dsts = ['ff02::12', 'fe80::2', 'ff02::1'];
    return {
      ...p,
      payload: bytes,
      ttl: rnd() < 0.1 ? pick(256) : 255,
      dst: rnd() < 0.1 ? dsts[pick(3)]! : p.dst,
    };
  }
  return (
    packetFromIPv4Datagram('eth0', bytes) ?? {
      family: 'ipv4',
      interface: 'eth0',
      src: PEER,
      dst: '224.0.0.18',
      ttl: 255,
      payload: bytes,
    }
  );
}

/** Whether the reducer would reject `p` for the instance it reaches (the oracle mirrors the receive path). */
function rejected(s: VrrpState, p: ReceivedVrrpPacket): boolean {
  const adv = decodeAdvert(p.payload, p.family);
  if (adv === undefined) return true;
  const name = s.order.find((n) => {
    const c = s.config[n]!;
    return c.params.interface === p.interface && c.params.family === p.family && c.params.vrid === adv.vrid;
  });
  if (name === undefined) return true;
  const st = s.instances[name]!.state;
  if (st !== 'BACKUP' && st !== 'MASTER') return true;
  const c = s.config[name]!;
  return !checkAdvert(c.check, p, adv, true).ok;
}

describe('fuzzing the decoder and the reducer', () => {
  it('100,000 random and mutated packets: no throw, and no state change from any rejected packet', () => {
    const rnd = seededRandom(20261120);
    const base = step(createVrrpState(params), { type: 'start', now: 0 }).state;
    // A second base where every instance is MASTER (time past every Master_Down).
    let master = base;
    for (const n of master.order)
      master = step(master, { type: 'timer', now: 5000, instance: n, timer: 'master-down' }).state;
    assert.deepEqual(
      master.order.map((n) => master.instances[n]!.state),
      ['MASTER', 'MASTER', 'MASTER', 'MASTER'],
    );
    const pool = seeds();
    let rejectedCount = 0;
    let accepted = 0;
    const N = 100_000;
    for (let k = 0; k < N; k++) {
      const seed = pool[Math.floor(rnd() * pool.length)]!;
      const p = rnd() < 0.05 ? seed : mutate(rnd, seed);
      decodeAdvert(p.payload, 'ipv4');
      decodeAdvert(p.payload, 'ipv6');
      const s = k % 2 === 0 ? base : master;
      const before = JSON.stringify(s.instances);
      const r = step(s, { type: 'packet', now: 6000, packet: p });
      if (rejected(s, p)) {
        rejectedCount++;
        assert.equal(JSON.stringify(r.state.instances), before, `rejected packet #${k} changed state`);
        assert.ok(r.effects.every((e) => e.type === 'log'));
      } else accepted++;
    }
    assert.equal(rejectedCount + accepted, N);
    // The mix exercises both paths substantially.
    assert.ok(accepted > 2000, `accepted ${accepted}`);
    assert.ok(rejectedCount > 50_000, `rejected ${rejectedCount}`);
  });
});
