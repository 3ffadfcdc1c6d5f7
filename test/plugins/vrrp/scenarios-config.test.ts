/**
 * The interop scenario catalogue of reference/vrrp.md §3.3 (10-13, 15, 18: auth, intervals, trackers, sync groups, unicast, owner) on the simulated LAN, with exact
 * keepalived 2.2.7 timings (Master_Down_Interval, Skew_Time) on a virtual clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldChecksum, onesSum, pseudoHeaderSum } from '../../../plugins/vrrp/codec/checksum.js';
import { SimLan } from '../../../plugins/vrrp/sim/lan.js';
import { assertTime, firstAt, inst, lastBefore, logTimes, mdiV2, one, skewV2 } from './sim/helpers.js';

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

describe('vrrp.md §3.3 scenarios on the simulated LAN (auth, intervals, trackers, groups, unicast, owner)', () => {
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
    const { lan, ra, rb } = pair(
      { sourceAddress: A, priority: 150, advertIntMs: 1000 },
      { sourceAddress: B, priority: 100, advertIntMs: 2000 },
    );
    ra.start();
    rb.start();
    lan.runUntil(20_000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.ok(logTimes(rb, "(VI_1) advertisement interval mismatch mine=2 sec rcv'd=1 sec").length > 0);
    assert.ok(logTimes(ra, "(VI_1) advertisement interval mismatch mine=1 sec rcv'd=2 sec").length > 0);
  });

  it("11: v3 interval mismatch: the backup learns the master's interval, stays BACKUP, and times out on it", () => {
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
    const ra = lan.add(
      'A',
      one({ sourceAddress: A, priority: 150, trackers: [{ name: 'chk', weight: -60 }] }),
    );
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
        inst({
          sourceAddress: src,
          priority: prio,
          ...(trackers ? { trackers: [{ name: 'chk', weight: 0 }] } : {}),
        }),
        inst({
          name: 'VI_2',
          vrid: 52,
          sourceAddress: src,
          priority: prio,
          vips: [{ address: '198.51.100.101' }],
        }),
      ],
      syncGroups: [{ name: 'G1', members: ['VI_1', 'VI_2'] }],
    });
    const ra = lan.add('A', mk(A, 150, true));
    const rb = lan.add('B', mk(B, 100));
    ra.machine.start({ chk: { up: true, reason: 'ok' } });
    rb.start();
    lan.runUntil(10_000);
    assert.deepEqual(
      [ra.stateOf('VI_1'), ra.stateOf('VI_2'), rb.stateOf('VI_1'), rb.stateOf('VI_2')],
      ['MASTER', 'MASTER', 'BACKUP', 'BACKUP'],
    );
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
      ra.effects.some(
        (e) => e.value.type === 'notify' && e.value.scope === 'GROUP' && e.value.state === 'FAULT',
      ),
    );
    ra.machine.tracker('chk', { up: true, reason: 'ok' });
    lan.runUntil(20_000);
    assert.deepEqual([ra.stateOf('VI_1'), ra.stateOf('VI_2')], ['MASTER', 'MASTER']);
    assert.deepEqual([rb.stateOf('VI_1'), rb.stateOf('VI_2')], ['BACKUP', 'BACKUP']);
  });

  it('15: unicast: adverts go to each peer, with the peer in the v3 pseudo-header; multicast is refused', () => {
    const lan = new SimLan();
    const ra = lan.add(
      'A',
      one({ sourceAddress: A, priority: 150, version: 3, unicastPeers: [{ address: B }] }),
    );
    const rb = lan.add(
      'B',
      one({ sourceAddress: B, priority: 100, version: 3, unicastPeers: [{ address: A }] }),
    );
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
    assert.equal(
      foldChecksum(pseudoHeaderSum('ipv4', A, B, payload.length)! + onesSum(payload, 0, payload.length)),
      0,
    );
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
    assert.ok(
      logTimes(
        ra,
        'CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner',
      ).length > 0,
    );
    assert.equal(ra.machine.state.instances['VI_1']?.effectivePriority, 254);
    assert.equal(ra.stateOf('VI_1'), 'BACKUP');
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
  });

  it('IPv6 (v3): elects over ff02::12 with the pseudo-header checksum', () => {
    const lan = new SimLan();
    const v6 = (src: string, prio: number) =>
      one({
        sourceAddress: src,
        priority: prio,
        version: 3,
        family: 'ipv6',
        vips: [{ address: '2001:db8::66', prefixLength: 64 }],
      });
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
    assert.ok(
      logTimes(ra, '(VI_1) Sending/queueing Unsolicited Neighbour Adverts on eth0 for 2001:db8::66').length >
        0,
    );
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
