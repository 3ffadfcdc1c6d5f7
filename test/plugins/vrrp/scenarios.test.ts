/**
 * The interop scenario catalogue of reference/vrrp.md §3.3 (1-13, 15, 18) on the simulated LAN, with exact
 * keepalived 2.2.7 timings (Master_Down_Interval, Skew_Time) on a virtual clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAdvert } from '../../../plugins/vrrp/codec/decode.js';
import { parseIPv4Header } from '../../../plugins/vrrp/codec/ipv4-header.js';
import { foldChecksum, onesSum, pseudoHeaderSum } from '../../../plugins/vrrp/codec/checksum.js';
import { SimLan } from '../../../plugins/vrrp/sim/lan.js';
import { assertTime, firstAt, inst, lastBefore, logTimes, mdiV2, one, skewV2 } from './sim/helpers.js';

const A = '198.51.100.1';
const B = '198.51.100.2';
const C = '198.51.100.3';

function pair(a: Parameters<typeof one>[0] = { sourceAddress: A, priority: 150 }, b: Parameters<typeof one>[0] = { sourceAddress: B, priority: 100 }) {
  const lan = new SimLan();
  const ra = lan.add('A', one(a));
  const rb = lan.add('B', one(b));
  return { lan, ra, rb };
}

describe('vrrp.md §3.3 scenarios on the simulated LAN', () => {
  it('1: wire format: v2 adverts carry version 2, type 1, VRID, priority, count, whole seconds, TTL 255, TOS 0xC0, 224.0.0.18, a valid checksum', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(6000);
    const f = lan.frames.find((x) => x.from === 'A');
    assert.ok(f);
    const ip = parseIPv4Header(f.bytes);
    assert.ok(ip);
    assert.deepEqual([ip.ttl, ip.tos, ip.protocol, ip.dst, ip.src], [255, 0xc0, 112, '224.0.0.18', A]);
    const payload = f.bytes.subarray(ip.headerLength);
    const adv = decodeAdvert(payload, 'ipv4');
    assert.ok(adv);
    assert.deepEqual(
      [adv.version, adv.type, adv.vrid, adv.priority, adv.addrCount, adv.authType, adv.advertInt, adv.addresses],
      [2, 1, 51, 150, 1, 0, 1, ['198.51.100.100']],
    );
    assert.equal(foldChecksum(onesSum(payload, 0, payload.length)), 0);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    // A became master at its MDI (3414.062 ms) and advertised at 3414, 4414 and 5414 ms.
    assert.equal(rb.machine.state.stats['VI_1']?.advertRcvd, 3);
  });

  it('1: wire format: v3 over IPv4 sends centiseconds and the pseudo-header checksum', () => {
    const lan = new SimLan();
    const ra = lan.add('A', one({ sourceAddress: A, priority: 150, version: 3, advertIntMs: 100 }));
    ra.start();
    lan.runUntil(1000);
    const f = lan.frames[0];
    assert.ok(f);
    const ip = parseIPv4Header(f.bytes)!;
    const payload = f.bytes.subarray(ip.headerLength);
    const adv = decodeAdvert(payload, 'ipv4')!;
    assert.deepEqual([adv.version, adv.advertInt, adv.length], [3, 10, 12]);
    const ph = pseudoHeaderSum('ipv4', A, '224.0.0.18', payload.length)!;
    assert.equal(foldChecksum(ph + onesSum(payload, 0, payload.length)), 0);
  });

  it('2: election by priority, in both directions, exactly at the winner\'s Master_Down_Interval', () => {
    for (const [pa, pb] of [
      [150, 100],
      [100, 150],
    ] as const) {
      const { lan, ra, rb } = pair({ sourceAddress: A, priority: pa }, { sourceAddress: B, priority: pb });
      ra.start();
      rb.start();
      lan.runUntil(10_000);
      const [win, lose] = pa > pb ? [ra, rb] : [rb, ra];
      assert.equal(win.stateOf('VI_1'), 'MASTER');
      assert.equal(lose.stateOf('VI_1'), 'BACKUP');
      assertTime(logTimes(win, 'Entering MASTER STATE')[0], mdiV2(150));
      assert.deepEqual([...win.vips], ['VI_1 198.51.100.100']);
      assert.deepEqual([...lose.vips], []);
      assert.deepEqual(logTimes(lose, 'Entering MASTER STATE'), []);
      assert.deepEqual(logTimes(lose, 'Entering BACKUP STATE (init)'), [0]);
    }
  });

  it('3: crash takeover exactly at Master_Down_Interval after the last advert, then the GARP burst', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    ra.crash();
    lan.runUntil(20_000);
    const last = lastBefore(ra.adverts(), 10_000)!;
    const take = firstAt(rb.adverts(), 10_000)!;
    assertTime(take, last + mdiV2(100));
    assertTime(logTimes(rb, 'Entering MASTER STATE')[0], take);
    const garps = rb.effects.filter((e) => e.value.type === 'send-garp');
    assert.ok(garps.length >= 2);
    assertTime(garps[0]!.t, take);
    assertTime(garps[1]!.t, take + 5000, 'garp_master_delay burst');
    assert.deepEqual(garps[0]!.value, {
      type: 'send-garp',
      instance: 'VI_1',
      interface: 'eth0',
      family: 'ipv4',
      addresses: ['198.51.100.100'],
      repeat: 5,
      intervalMs: 0,
    });
    // kill -9 leaves the VIP on the dead node, as keepalived does (vrrp.md §3.2).
    assert.deepEqual([...ra.vips], ['VI_1 198.51.100.100']);
  });

  it('4: graceful shutdown sends priority 0 and the backup takes over exactly Skew_Time later', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    ra.stop();
    lan.runUntil(20_000);
    const zero = ra.adverts().find((a) => a.value === 0);
    assert.ok(zero);
    assertTime(zero.t, 10_000);
    assertTime(firstAt(rb.adverts(), 10_000), 10_000 + skewV2(100));
    assert.deepEqual([...ra.vips], []);
    assert.deepEqual(
      ra.effects.filter((e) => e.value.type === 'notify').map((e) => e.value),
      [
        { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 150 },
        { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 },
        { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 150 },
      ],
    );
  });

  it('5: preemption at the returning node\'s own Master_Down_Interval; the other returns to BACKUP', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    ra.crash();
    lan.runUntil(20_000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    ra.restart();
    lan.runUntil(30_000);
    assertTime(logTimes(ra, 'Entering MASTER STATE').filter((t) => t >= 20_000)[0], 20_000 + mdiV2(150));
    assert.ok(logTimes(ra, `received lower priority (100) advert from ${B} - discarding`).length >= 3);
    const back = logTimes(rb, `Master received advert from ${A} with higher priority 150, ours 100`);
    assertTime(back[0], 20_000 + mdiV2(150));
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    assert.deepEqual([...rb.vips], []);
    // MASTER -> BACKUP sends no priority-0 advert.
    assert.equal(rb.adverts().filter((a) => a.value === 0).length, 0);
  });

  it('6: nopreempt: the higher-priority node stays BACKUP and takes over only when the master dies', () => {
    const { lan, ra, rb } = pair({ sourceAddress: A, priority: 150, preempt: false });
    rb.start();
    lan.runUntil(5000);
    ra.start();
    lan.runUntil(5000 + 4 * mdiV2(150));
    assert.equal(ra.stateOf('VI_1'), 'BACKUP');
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    const kill = lan.clock.now();
    rb.crash();
    lan.runUntil(kill + 10_000);
    assertTime(firstAt(ra.adverts(), kill), lastBefore(rb.adverts(), kill + 1)! + mdiV2(150));
  });

  it('7: preempt_delay: no takeover before the delay after the lower-priority adverts start', () => {
    const { lan, ra, rb } = pair({ sourceAddress: A, priority: 150, preemptDelayMs: 3000 });
    rb.start();
    lan.runUntil(5000);
    ra.start();
    lan.runUntil(20_000);
    const firstLower = firstAt(rb.adverts(), 5000)!;
    const started = logTimes(ra, 'start preempt delay (3.000000)');
    assert.deepEqual(started, [firstLower]);
    const take = logTimes(ra, 'Entering MASTER STATE')[0]!;
    assert.ok(take >= firstLower + 3000);
    // Adverts are accepted while the delay runs; the one at exactly +3 s is the first discarded.
    assertTime(take, firstLower + 2000 + mdiV2(150));
    assertTime(logTimes(ra, 'received lower priority (100)')[0], firstLower + 3000);
  });

  it('8: three equal priorities partitioned into masters settle on the highest address when healed', () => {
    const lan = new SimLan();
    const rs = [A, B, C].map((addr, i) => lan.add(`R${i}`, one({ sourceAddress: addr, priority: 100 })));
    lan.partition(['R0'], ['R1'], ['R2']);
    for (const r of rs) r.start();
    lan.runUntil(10_000);
    assert.deepEqual(rs.map((r) => r.stateOf('VI_1')), ['MASTER', 'MASTER', 'MASTER']);
    lan.heal();
    lan.runUntil(11_000);
    assert.deepEqual(rs.map((r) => r.stateOf('VI_1')), ['BACKUP', 'BACKUP', 'MASTER']);
    assert.ok(logTimes(rs[0]!, `with same priority 100 but higher IP address than ours`).length > 0);
    assert.deepEqual(rs.map((r) => r.vips.size), [0, 0, 1]);
    lan.runUntil(30_000);
    assert.deepEqual(rs.map((r) => r.stateOf('VI_1')), ['BACKUP', 'BACKUP', 'MASTER']);
  });

  it('9: split brain heals within one advert interval; the master forces a new election', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    lan.partition(['A'], ['B']);
    lan.runUntil(20_000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    lan.heal();
    lan.runUntil(21_000);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    const left = logTimes(rb, 'Entering BACKUP STATE').filter((t) => t >= 20_000);
    assert.ok(left.length === 1 && left[0]! <= 21_000);
    assert.deepEqual([...rb.vips], []);
  });

  it('9: the master answers a lower-priority advert with its own advert ("forcing new election")', () => {
    const { lan, ra, rb } = pair();
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    lan.partition(['A'], ['B']);
    lan.runUntil(14_000);
    lan.heal();
    const before = ra.adverts().length;
    lan.runUntil(15_000);
    const t = logTimes(ra, `Received advert from ${B} with lower priority 100, ours 150, forcing new election`);
    assert.ok(t.length >= 1);
    assert.ok(ra.adverts().some((x) => Math.abs(x.t - t[0]!) < 1e-9));
    assert.ok(ra.adverts().length > before);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
  });

  it('10: auth PASS: matching passwords elect normally, truncated to 8 bytes like keepalived', () => {
    const { lan, ra, rb } = pair(
      { sourceAddress: A, priority: 150, auth: { type: 'PASS', password: 'secret12XYZ' } },
      { sourceAddress: B, priority: 100, auth: { type: 'PASS', password: 'secret12' } },
    );
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
  });

  it('10: auth PASS mismatch: two masters, "received an invalid passwd!" every second, counted', () => {
    const { lan, ra, rb } = pair(
      { sourceAddress: A, priority: 150, auth: { type: 'PASS', password: 'secret1' } },
      { sourceAddress: B, priority: 100, auth: { type: 'PASS', password: 'other' } },
    );
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.ok(logTimes(rb, '(VI_1) received an invalid passwd!').length >= 5);
    assert.ok((rb.machine.state.stats['VI_1']?.authFailure ?? 0) >= 5);
  });

  it('11: v2 interval mismatch: both drop each other and become master', () => {
    const { lan, ra, rb } = pair({ sourceAddress: A, priority: 150, advertIntMs: 1000 }, { sourceAddress: B, priority: 100, advertIntMs: 2000 });
    ra.start();
    rb.start();
    lan.runUntil(20_000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.ok(logTimes(rb, "(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec").length > 0);
    assert.ok(logTimes(ra, "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec").length > 0);
  });

  it('11: v3 interval mismatch: the backup learns the master\'s interval, stays BACKUP, and times out on it', () => {
    const { lan, ra, rb } = pair(
      { sourceAddress: A, priority: 150, version: 3, advertIntMs: 1000 },
      { sourceAddress: B, priority: 100, version: 3, advertIntMs: 500 },
    );
    ra.start();
    rb.start();
    lan.runUntil(20_000);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    assert.equal(rb.machine.state.instances['VI_1']?.masterAdverIntUs, 1_000_000);
    assert.ok(logTimes(rb, 'advertisement interval updated from 500ms to 1000ms by master').length === 1);
    ra.crash();
    lan.runUntil(30_000);
    const last = lastBefore(ra.adverts(), 20_001)!;
    // v3 skew uses the learned interval: 3 × 1 s + 156 × 100 cs × 625/16 µs.
    assertTime(firstAt(rb.adverts(), 20_000), last + 3000 + 609.375);
  });

  it('12: a weighted track script changes the advertised priority; the peer takes over at its MDI, and back', () => {
    const lan = new SimLan();
    const ra = lan.add('A', one({ sourceAddress: A, priority: 150, trackers: [{ name: 'chk', weight: -60 }] }));
    const rb = lan.add('B', one({ sourceAddress: B, priority: 100 }));
    ra.machine.start({ chk: { up: true, reason: 'exit 0' } });
    rb.start();
    lan.runUntil(10_000);
    ra.machine.tracker('chk', { up: false, reason: 'exit 1' });
    assert.deepEqual(logTimes(ra, '(VI_1) Changing effective priority from 150 to 90'), [10_000]);
    lan.runUntil(20_000);
    const onWire = lan.frames.filter((f) => f.from === 'A' && f.t > 10_000).map((f) => f.bytes[20 + 2]);
    assert.equal(onWire[0], 90);
    const lastAccepted = lastBefore(ra.adverts(), 10_000)!;
    assertTime(logTimes(rb, 'Entering MASTER STATE')[0], lastAccepted + mdiV2(100));
    assert.equal(ra.stateOf('VI_1'), 'BACKUP');
    ra.machine.tracker('chk', { up: true, reason: 'exit 0' });
    lan.runUntil(30_000);
    // Back at 150 the running down timer moves by the change (keepalived vrrp_track.c), and B's adverts,
    // now lower, are discarded: takeover at B's last accepted advert + A's own MDI at 150.
    assertTime(logTimes(ra, 'Entering MASTER STATE').at(-1), lastBefore(rb.adverts(), 20_000)! + mdiV2(150));
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
  });

  it('13: sync group: a failing member pulls the group to FAULT, the peer takes both VRIDs at skew', () => {
    const lan = new SimLan();
    const mk = (src: string, prio: number, trackers = false) => ({
      instances: [
        inst({ sourceAddress: src, priority: prio, ...(trackers ? { trackers: [{ name: 'chk', weight: 0 }] } : {}) }),
        inst({ name: 'VI_2', vrid: 52, sourceAddress: src, priority: prio, vips: [{ address: '198.51.100.101' }] }),
      ],
      syncGroups: [{ name: 'G1', members: ['VI_1', 'VI_2'] }],
    });
    const ra = lan.add('A', mk(A, 150, true));
    const rb = lan.add('B', mk(B, 100));
    ra.machine.start({ chk: { up: true, reason: 'ok' } });
    rb.start();
    lan.runUntil(10_000);
    assert.deepEqual([ra.stateOf('VI_1'), ra.stateOf('VI_2'), rb.stateOf('VI_1'), rb.stateOf('VI_2')], ['MASTER', 'MASTER', 'BACKUP', 'BACKUP']);
    ra.machine.tracker('chk', { up: false, reason: 'exit 1' });
    assert.deepEqual(logTimes(ra, 'VRRP_Group(G1) Syncing instances to FAULT state'), [10_000]);
    lan.runUntil(11_000);
    assert.deepEqual([ra.stateOf('VI_1'), ra.stateOf('VI_2')], ['FAULT', 'FAULT']);
    assert.deepEqual([rb.stateOf('VI_1'), rb.stateOf('VI_2')], ['MASTER', 'MASTER']);
    assertTime(logTimes(rb, '(VI_1) Entering MASTER STATE')[0], 10_000 + skewV2(100));
    // The wire shows both VRIDs independently.
    const vrids = new Set(lan.frames.filter((f) => f.from === 'B').map((f) => f.bytes[21]));
    assert.deepEqual([...vrids].sort(), [51, 52]);
    assert.ok(
      ra.effects.some((e) => e.value.type === 'notify' && e.value.scope === 'GROUP' && e.value.state === 'FAULT'),
    );
    ra.machine.tracker('chk', { up: true, reason: 'ok' });
    lan.runUntil(20_000);
    assert.deepEqual([ra.stateOf('VI_1'), ra.stateOf('VI_2')], ['MASTER', 'MASTER']);
    assert.deepEqual([rb.stateOf('VI_1'), rb.stateOf('VI_2')], ['BACKUP', 'BACKUP']);
  });

  it('15: unicast: adverts go to each peer, with the peer in the v3 pseudo-header; multicast is refused', () => {
    const lan = new SimLan();
    const ra = lan.add('A', one({ sourceAddress: A, priority: 150, version: 3, unicastPeers: [{ address: B }] }));
    const rb = lan.add('B', one({ sourceAddress: B, priority: 100, version: 3, unicastPeers: [{ address: A }] }));
    const rc = lan.add('C', one({ sourceAddress: C, priority: 50, version: 3 }));
    ra.start();
    rb.start();
    rc.start();
    lan.runUntil(10_000);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    const f = lan.frames.find((x) => x.from === 'A')!;
    assert.equal(f.dst, B);
    assert.equal(f.ttl, 255);
    const payload = f.bytes.subarray(20);
    assert.equal(foldChecksum(pseudoHeaderSum('ipv4', A, B, payload.length)! + onesSum(payload, 0, payload.length)), 0);
    // C is multicast: A and B refuse its adverts.
    assert.ok(logTimes(rb, '(VI_1) Expected unicast packet but received multicast packet').length > 0);
    assert.ok((ra.machine.state.stats['VI_1']?.addrListErr ?? 0) > 0);
  });

  it('15: unicast with a lower TTL is accepted (the TTL check is for multicast only)', () => {
    const lan = new SimLan();
    const ra = lan.add('A', one({ sourceAddress: A, priority: 150, unicastPeers: [{ address: B }] }));
    const rb = lan.add('B', one({ sourceAddress: B, priority: 100, unicastPeers: [{ address: A }] }));
    ra.start();
    rb.start();
    lan.runUntil(5000);
    const f = lan.frames.find((x) => x.from === 'A')!;
    const bytes = f.bytes.slice();
    bytes[8] = 64;
    const before = rb.machine.state.instances['VI_1']!.timers['master-down'];
    rb.deliver({ ...f, bytes });
    assert.notEqual(rb.machine.state.instances['VI_1']!.timers['master-down'], before);
  });

  it('18: the address owner (255) is MASTER at once; two owners: one reduces itself to 254', () => {
    const lan = new SimLan();
    const ra = lan.add('A', one({ sourceAddress: A, priority: 255 }));
    ra.start();
    lan.runUntil(1);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assertTime(logTimes(ra, 'Entering MASTER STATE')[0], 0.001);
    assert.deepEqual(logTimes(ra, 'Entering BACKUP STATE (init)'), []);
    const rb = lan.add('B', one({ sourceAddress: B, priority: 255 }));
    rb.start();
    lan.runUntil(5000);
    assert.ok(logTimes(ra, 'CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner').length > 0);
    assert.equal(ra.machine.state.instances['VI_1']?.effectivePriority, 254);
    assert.equal(ra.stateOf('VI_1'), 'BACKUP');
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
  });

  it('IPv6 (v3): elects over ff02::12 with the pseudo-header checksum', () => {
    const lan = new SimLan();
    const v6 = (src: string, prio: number) =>
      one({ sourceAddress: src, priority: prio, version: 3, family: 'ipv6', vips: [{ address: '2001:db8::66', prefixLength: 64 }] });
    const ra = lan.add('A', v6('fe80::1', 150));
    const rb = lan.add('B', v6('fe80::2', 100));
    ra.start();
    rb.start();
    lan.runUntil(10_000);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    assert.equal(lan.frames[0]?.dst, 'ff02::12');
    const garp = ra.effects.find((e) => e.value.type === 'send-garp')?.value;
    assert.equal(garp?.type === 'send-garp' ? garp.family : '', 'ipv6');
    assert.ok(logTimes(ra, '(VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::66').length > 0);
  });

  it('survives 20% packet loss: the master keeps the VIP most of the time and the pair converges', () => {
    const lan = new SimLan({ loss: 0.2, seed: 7 });
    const ra = lan.add('A', one({ sourceAddress: A, priority: 150 }));
    const rb = lan.add('B', one({ sourceAddress: B, priority: 100 }));
    ra.start();
    rb.start();
    lan.runUntil(120_000);
    lan.loss = 0;
    lan.runUntil(125_000);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
  });
});
