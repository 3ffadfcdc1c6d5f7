/**
 * The interop scenario catalogue of reference/vrrp.md §3.3 (1-9: wire format, election, takeover, preemption, split brain) on the simulated LAN, with exact
 * keepalived 2.2.7 timings (Master_Down_Interval, Skew_Time) on a virtual clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAdvert } from '../../../plugins/vrrp/codec/decode.js';
import { parseIPv4Header } from '../../../plugins/vrrp/codec/ipv4-header.js';
import { foldChecksum, onesSum, pseudoHeaderSum } from '../../../plugins/vrrp/codec/checksum.js';
import { SimLan } from '../../../plugins/vrrp/sim/lan.js';
import { assertTime, firstAt, lastBefore, logTimes, mdiV2, one, skewV2 } from './sim/helpers.js';

const A = '198.51.100.1';
const B = '198.51.100.2';
const C = '198.51.100.3';

function pair(
  a: Parameters<typeof one>[0] = { sourceAddress: A, priority: 150 },
  b: Parameters<typeof one>[0] = { sourceAddress: B, priority: 100 },
) {
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
      [
        adv.version,
        adv.type,
        adv.vrid,
        adv.priority,
        adv.addrCount,
        adv.authType,
        adv.advertInt,
        adv.addresses,
      ],
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

  it("2: election by priority, in both directions, exactly at the winner's Master_Down_Interval", () => {
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

  it('3: v3 at 10 ms adverts: crash takeover 36.093 ms after the last advert, graceful 6.093 ms after priority 0', () => {
    const { lan, ra, rb } = pair(
      { sourceAddress: A, priority: 150, version: 3, advertIntMs: 10 },
      { sourceAddress: B, priority: 100, version: 3, advertIntMs: 10 },
    );
    ra.start();
    rb.start();
    lan.runUntil(1000);
    ra.crash();
    lan.runUntil(2000);
    // 3 x 10 ms + floor(156 x 1 cs x 625 / 16) us = 30 ms + 6.093 ms (keepalived VRRP_TIMER_SKEW_CALC).
    assertTime(firstAt(rb.adverts(), 1000), lastBefore(ra.adverts(), 1000)! + 36.093);
    ra.restart();
    lan.runUntil(3000);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    ra.stop();
    const stopAt = lan.clock.now();
    lan.runUntil(4000);
    assertTime(firstAt(rb.adverts(), stopAt), stopAt + 6.093);
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

  it("5: preemption at the returning node's own Master_Down_Interval; the other returns to BACKUP", () => {
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
    assert.deepEqual(
      rs.map((r) => r.stateOf('VI_1')),
      ['MASTER', 'MASTER', 'MASTER'],
    );
    lan.heal();
    lan.runUntil(11_000);
    assert.deepEqual(
      rs.map((r) => r.stateOf('VI_1')),
      ['BACKUP', 'BACKUP', 'MASTER'],
    );
    assert.ok(logTimes(rs[0]!, `with same priority 100 but higher IP address than ours`).length > 0);
    assert.deepEqual(
      rs.map((r) => r.vips.size),
      [0, 0, 1],
    );
    lan.runUntil(30_000);
    assert.deepEqual(
      rs.map((r) => r.stateOf('VI_1')),
      ['BACKUP', 'BACKUP', 'MASTER'],
    );
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
    const t = logTimes(
      ra,
      `Received advert from ${B} with lower priority 100, ours 150, forcing new election`,
    );
    assert.ok(t.length >= 1);
    assert.ok(ra.adverts().some((x) => Math.abs(x.t - t[0]!) < 1e-9));
    assert.ok(ra.adverts().length > before);
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
  });
});
