/**
 * Every receive check of keepalived 2.2.7 (`vrrp_check_packet`, keepalived.md §3 table, vrrp.md §1.7): the
 * rejected packet yields keepalived's log line and counter, and changes nothing else (scenario 17).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldChecksum, onesSum } from '../../../plugins/vrrp/codec/checksum.js';
import { encodeAdvert, type EncodeAdvertOptions } from '../../../plugins/vrrp/codec/encode.js';
import { buildIPv4Header } from '../../../plugins/vrrp/codec/ipv4-header.js';
import { packetFromIPv4Datagram } from '../../../plugins/vrrp/codec/packet.js';
import type { VrrpInstanceParams } from '../../../plugins/vrrp/params.js';
import { createVrrpState, step } from '../../../plugins/vrrp/state-machine.js';
import type { VrrpState } from '../../../plugins/vrrp/types.js';
import { one } from './sim/helpers.js';

const ME = '198.51.100.2';
const PEER = '198.51.100.1';

function started(o: Partial<VrrpInstanceParams> = {}, extra: { logUnknownVrids?: boolean } = {}): VrrpState {
  return step(createVrrpState({ ...one({ sourceAddress: ME, ...o }), ...extra }), { type: 'start', now: 0 })
    .state;
}

function advert(o: Partial<EncodeAdvertOptions> = {}): Uint8Array {
  return encodeAdvert({
    version: 2,
    family: 'ipv4',
    vrid: 51,
    priority: 150,
    advertInt: 1,
    addresses: ['198.51.100.100'],
    src: PEER,
    dst: '224.0.0.18',
    ...o,
  });
}

function refixV2(p: Uint8Array): Uint8Array {
  p[6] = 0;
  p[7] = 0;
  const c = foldChecksum(onesSum(p, 0, p.length));
  p[6] = c >> 8;
  p[7] = c & 0xff;
  return p;
}

function datagram(
  payload: Uint8Array,
  o: { src?: string; dst?: string; ttl?: number; protocol?: number; totLen?: number } = {},
): Uint8Array {
  const h = buildIPv4Header({
    src: o.src ?? PEER,
    dst: o.dst ?? '224.0.0.18',
    payloadLength: payload.length,
    ttl: o.ttl ?? 255,
    protocol: o.protocol ?? 112,
  });
  if (o.totLen !== undefined) {
    h[2] = o.totLen >> 8;
    h[3] = o.totLen & 0xff;
  }
  const d = new Uint8Array(h.length + payload.length);
  d.set(h);
  d.set(payload, h.length);
  return d;
}

function feed(s: VrrpState, dgram: Uint8Array, now = 1000) {
  const packet = packetFromIPv4Datagram('eth0', dgram)!;
  const r = step(s, { type: 'packet', now, packet });
  const logs = r.effects.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  return { r, logs };
}

function rejects(s: VrrpState, dgram: Uint8Array, line: string, counter?: string): void {
  const { r, logs } = feed(s, dgram);
  assert.deepEqual(logs, [line]);
  assert.deepEqual(r.state.instances, s.instances, 'a rejected packet changes no instance state');
  assert.deepEqual(
    r.effects.filter((e) => e.type !== 'log'),
    [],
  );
  if (counter !== undefined)
    assert.equal((r.state.stats['VI_1'] as unknown as Record<string, number>)[counter], 1, counter);
}

describe('advert validation in keepalived order, with its log lines and counters', () => {
  const s = started();
  it('accepts a good advert and resets the down timer', () => {
    const { r, logs } = feed(s, datagram(advert()));
    assert.deepEqual(logs, []);
    assert.equal(r.state.stats['VI_1']?.advertRcvd, 1);
    assert.equal(r.state.instances['VI_1']?.masterAddress, PEER);
    assert.ok(Math.abs((r.state.instances['VI_1'].timers['master-down'] ?? 0) - (1000 + 3609.375)) < 1e-6);
  });
  it('AH header without auth_type AH', () => {
    rejects(
      s,
      datagram(advert(), { protocol: 51 }),
      '(VI_1) Received AH header but auth type not AH',
      'authtypeMismatch',
    );
  });
  it('length: too short and too long against the count of addresses', () => {
    const a = advert();
    rejects(
      s,
      datagram(a.subarray(0, 16)),
      '(VI_1) vrrp packet too short, length 36 and expect 40',
      'packetLenErr',
    );
    const long = new Uint8Array(24);
    long.set(a);
    rejects(s, datagram(long), '(VI_1) vrrp packet too long, length 44 and expect 40', 'packetLenErr');
  });
  it('TTL must be 255 for multicast', () => {
    rejects(
      s,
      datagram(advert(), { ttl: 64 }),
      '(VI_1) invalid TTL/HL. Received 64 and expect 255',
      'ipTtlErr',
    );
  });
  it('version must match the instance', () => {
    rejects(
      s,
      datagram(advert({ version: 3, advertInt: 100 })),
      '(VI_1) wrong version. Received 3 and expect 2',
      'versErr',
    );
  });
  it('v2 auth type must be 0, 1 or 2, and equal ours', () => {
    const p = advert();
    p[4] = 5;
    rejects(s, datagram(refixV2(p)), '(VI_1) Invalid auth type: 5', 'invalidAuthtype');
    rejects(
      s,
      datagram(advert({ authType: 1, password: 'x' })),
      '(VI_1) received a 1 auth, expecting 0!',
      'authtypeMismatch',
    );
  });
  it('v2 PASS: all 8 bytes must match', () => {
    const sp = started({ auth: { type: 'PASS', password: 'secret1' } });
    rejects(
      sp,
      datagram(advert({ authType: 1, password: 'secret2' })),
      '(VI_1) received an invalid passwd!',
      'authFailure',
    );
    assert.deepEqual(feed(sp, datagram(advert({ authType: 1, password: 'secret1' }))).logs, []);
  });
  it('v2 interval must be equal (dropped, not counted)', () => {
    rejects(
      s,
      datagram(advert({ advertInt: 2 })),
      "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec",
    );
  });
  it('type must be 1', () => {
    const p = advert();
    p[0] = 0x22;
    rejects(s, datagram(refixV2(p)), '(VI_1) Invalid packet type. 2 and expect 1', 'invalidTypeRcvd');
  });
  it('address count must equal our VIP count (the VRID-clash symptom)', () => {
    rejects(
      s,
      datagram(advert({ addresses: ['198.51.100.100', '198.51.100.101'] })),
      '(VI_1) received an unexpected ip number count 2, expected 1!',
      'addrListErr',
    );
    rejects(
      s,
      datagram(advert({ addresses: [] })),
      '(VI_1) received an unexpected ip number count 0, expected 1!',
      'addrListErr',
    );
  });
  it('IP total length must match what was received', () => {
    rejects(
      s,
      datagram(advert(), { totLen: 41 }),
      '(VI_1) ip_tot_len mismatch against received length. 41 and received 40',
      'packetLenErr',
    );
  });
  it('checksum: v2 over the message; v3 with either form', () => {
    const p = advert();
    p[7] = (p[7] ?? 0) ^ 1;
    rejects(s, datagram(p), '(VI_1) Invalid VRRPv2 checksum', 'chkErr');
    const s3 = started({ version: 3 });
    const good = advert({ version: 3, advertInt: 100 });
    assert.deepEqual(feed(s3, datagram(good)).logs, []);
    assert.deepEqual(
      feed(s3, datagram(advert({ version: 3, advertInt: 100, checksumForm: 'message-only' }))).logs,
      [],
    );
    good[6] = (good[6] ?? 0) ^ 0x10;
    rejects(s3, datagram(good), '(VI_1) Invalid VRRPv3 checksum', 'chkErr');
  });
  it('v3 unicast: the pre-1.3.6 form (224.0.0.18 in the pseudo-header) is still accepted', () => {
    const su = started({ version: 3, unicastPeers: [{ address: PEER }] });
    const old = advert({ version: 3, advertInt: 100, dst: '224.0.0.18' });
    assert.deepEqual(feed(su, datagram(old, { dst: ME })).logs, []);
  });
  it('multicast instance refuses unicast, unicast instance refuses multicast', () => {
    rejects(
      s,
      datagram(advert({ dst: ME }), { dst: ME }),
      '(VI_1) Expected multicast packet but received unicast packet',
      'addrListErr',
    );
    const su = started({ unicastPeers: [{ address: PEER }] });
    rejects(
      su,
      datagram(advert()),
      '(VI_1) Expected unicast packet but received multicast packet',
      'addrListErr',
    );
  });
  it('every configured VIP must be in the advert', () => {
    rejects(
      s,
      datagram(advert({ addresses: ['198.51.100.99'] })),
      '(VI_1) ip address associated with VRID 51 not present in MASTER advert: 198.51.100.100',
      'addrListErr',
    );
  });
  it('check_unicast_src: source must be a peer, TTL within its range', () => {
    const su = started({ unicastPeers: [{ address: PEER, minTtl: 250 }], checkUnicastSrc: true });
    rejects(
      su,
      datagram(advert({ dst: ME }), { src: '198.51.100.9', dst: ME }),
      '(VI_1) unicast source address 198.51.100.9 not a unicast peer',
    );
    rejects(
      su,
      datagram(advert({ dst: ME }), { dst: ME, ttl: 64 }),
      '(VI_1) TTL/HL 64 not in range 250 - 255',
      'ipTtlErr',
    );
  });
  it('a header shorter than 8 bytes, an unknown VRID (logged only with log_unknown_vrids), a CARP packet', () => {
    const short = feed(s, datagram(new Uint8Array(4)));
    assert.deepEqual(short.logs, ['IPv4 VRRP packet too short - 24 bytes']);
    assert.deepEqual(feed(s, datagram(advert({ vrid: 9 }))).logs, []);
    const sl = started({}, { logUnknownVrids: true });
    assert.deepEqual(feed(sl, datagram(advert({ vrid: 9 }))).logs, [
      'Unknown VRID(9) received on interface(eth0). ignoring...',
    ]);
    const carp = new Uint8Array(36);
    carp.set([0x21, 51, 0, 1, 0, 1]);
    rejects(s, datagram(carp), '(VI_1) vrrp packet too long, length 56 and expect 40', 'packetLenErr');
  });
  it('skip_check_adv_addr: a backup skips the VIP checks for the same master only', () => {
    const sk = started({ skipCheckAdvAddr: true });
    const first = feed(sk, datagram(advert())).r.state;
    assert.deepEqual(feed(first, datagram(advert({ addresses: ['198.51.100.99'] }))).logs, []);
    assert.equal(
      feed(first, datagram(advert({ addresses: ['198.51.100.99'] }), { src: '198.51.100.7' })).logs.length,
      1,
    );
  });
  it('adverts are ignored in FAULT', () => {
    const f = step(s, { type: 'interface', now: 500, interface: 'eth0', up: false }).state;
    assert.equal(f.instances['VI_1']?.state, 'FAULT');
    const { r, logs } = feed(f, datagram(advert({ advertInt: 9 })));
    assert.deepEqual(logs, []);
    assert.deepEqual(r.state, f);
  });
});
