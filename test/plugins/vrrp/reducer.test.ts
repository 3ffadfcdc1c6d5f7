/**
 * Reducer branches one by one (issue 5): start-up, owner, priority 0, trackers and effective priority,
 * FAULT, GARP schedule, unicast, master answers, sync groups, shutdown, and timer arithmetic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAdvert } from '../../../plugins/vrrp/codec/encode.js';
import type { VrrpParams } from '../../../plugins/vrrp/params.js';
import { SimLan, type SimRouter } from '../../../plugins/vrrp/sim/lan.js';
import { createVrrpState, step } from '../../../plugins/vrrp/state-machine.js';
import { masterDownUs, skewUs } from '../../../plugins/vrrp/timers.js';
import type { VrrpEffect } from '../../../plugins/vrrp/types.js';
import { assertTime, inst, logTimes, mdiV2, one } from './sim/helpers.js';

const A = '198.51.100.1';
const B = '198.51.100.2';

function solo(params: VrrpParams): { lan: SimLan; r: SimRouter } {
  const lan = new SimLan();
  return { lan, r: lan.add('A', params) };
}

/** Injects an advert from `src` into router r. */
function hear(
  r: SimRouter,
  o: { priority: number; src?: string; vrid?: number; version?: 2 | 3; advertInt?: number },
): void {
  const version = o.version ?? 2;
  r.machine.receive({
    family: 'ipv4',
    interface: 'eth0',
    src: o.src ?? B,
    dst: '224.0.0.18',
    ttl: 255,
    payload: encodeAdvert({
      version,
      family: 'ipv4',
      vrid: o.vrid ?? 51,
      priority: o.priority,
      advertInt: o.advertInt ?? (version === 2 ? 1 : 100),
      addresses: ['198.51.100.100'],
      src: o.src ?? B,
      dst: '224.0.0.18',
    }),
  });
}

const effectsOf = (r: SimRouter, type: VrrpEffect['type'], from = 0) =>
  r.effects.filter((e) => e.value.type === type && e.t >= from);
const advertsAt = (r: SimRouter, t: number) =>
  r
    .adverts()
    .filter((a) => Math.abs(a.t - t) < 1e-9)
    .map((a) => a.value);

describe('timer arithmetic matches keepalived to the microsecond', () => {
  it('v2 skew is (256-p)/256 s whatever the interval; v3 skew scales with the interval in centiseconds', () => {
    assert.equal(skewUs(2, 100, 1_000_000), 609_375);
    assert.equal(skewUs(2, 150, 5_000_000), 414_062);
    assert.equal(masterDownUs(2, 100, 1_000_000), 3_609_375);
    assert.equal(skewUs(3, 100, 100_000), 60_937);
    assert.equal(masterDownUs(3, 100, 100_000), 360_937);
    assert.equal(masterDownUs(3, 100, 10_000), 36_093);
    assert.equal(masterDownUs(2, 100, 1_000_000, 1), 1_609_375);
  });
});

describe('start-up', () => {
  it('"Entering BACKUP STATE (init)", notify BACKUP, and a full Master_Down even with state MASTER', () => {
    const { lan, r } = solo(one({ sourceAddress: A, priority: 100, initialState: 'MASTER' }));
    r.start();
    assert.deepEqual(
      r.logs().filter((l) => l.value.startsWith('(VI_1) Entering')),
      [{ t: 0, value: '(VI_1) Entering BACKUP STATE (init)' }],
    );
    // "We need to allow one adver_int to pass": with state MASTER and no group, still the full MDI.
    lan.runUntil(5000);
    assertTime(logTimes(r, 'Entering MASTER STATE')[0], mdiV2(100));
    const notifies = effectsOf(r, 'notify').map((e) => e.value);
    assert.deepEqual(notifies, [
      { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 },
      { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100 },
    ]);
  });
  it('on becoming master: the advert first, then the VIPs, then the GARP burst', () => {
    const { lan, r } = solo(one({ sourceAddress: A }));
    r.start();
    lan.runUntil(4000);
    const seq = r.effects
      .filter((e) => e.t > 0 && ['send-advert', 'add-vips', 'send-garp', 'notify'].includes(e.value.type))
      .slice(0, 4);
    assert.deepEqual(
      seq.map((e) => e.value.type),
      ['send-advert', 'add-vips', 'send-garp', 'notify'],
    );
  });
  it('a weight-0 tracker with no result yet holds the instance (silently) until its first result', () => {
    const { lan, r } = solo(one({ sourceAddress: A, trackers: [{ name: 'chk', weight: 0 }] }));
    r.start();
    assert.equal(r.stateOf('VI_1'), 'FAULT');
    assert.deepEqual(logTimes(r, 'Entering'), []);
    lan.runUntil(10_000);
    assert.equal(r.stateOf('VI_1'), 'FAULT');
    r.machine.tracker('chk', { up: true, reason: 'exit 0' });
    assert.deepEqual(logTimes(r, '(VI_1) Entering BACKUP STATE'), [10_000]);
    lan.runUntil(20_000);
    assertTime(logTimes(r, 'Entering MASTER STATE')[0], 10_000 + mdiV2(100));
  });
  it("a weight-0 tracker failing at start: FAULT (init) with keepalived's reason line", () => {
    const { r } = solo(one({ sourceAddress: A, trackers: [{ name: 'chk', weight: 0 }] }));
    r.machine.start({ chk: { up: false, reason: 'exit 1' } });
    assert.equal(r.stateOf('VI_1'), 'FAULT');
    assert.deepEqual(
      r
        .logs()
        .map((l) => l.value)
        .filter((m) => m.includes('FAULT')),
      ['(VI_1): entering FAULT state due to script chk', '(VI_1) Entering FAULT STATE (init)'],
    );
  });
});

describe('priority 0 and leaving MASTER', () => {
  it('MASTER -> FAULT (weight-0 tracker) sends priority 0 (twice, as keepalived) and removes VIPs', () => {
    const { lan, r } = solo(one({ sourceAddress: A, trackers: [{ name: 'chk', weight: 0 }] }));
    r.machine.start({ chk: { up: true, reason: 'ok' } });
    lan.runUntil(5000);
    assert.equal(r.stateOf('VI_1'), 'MASTER');
    r.machine.tracker('chk', { up: false, reason: 'exit 1' });
    assert.deepEqual(advertsAt(r, 5000), [0, 0]);
    assert.equal(r.stateOf('VI_1'), 'FAULT');
    assert.deepEqual([...r.vips], []);
    assert.deepEqual(logTimes(r, '(VI_1) Entering FAULT STATE'), [5000]);
    assert.equal(r.machine.state.stats['VI_1']?.priZeroSent, 1);
    // Recovery: BACKUP with a fresh Master_Down.
    lan.runUntil(6000);
    r.machine.tracker('chk', { up: true, reason: 'ok' });
    assert.deepEqual(
      logTimes(r, '(VI_1) Entering BACKUP STATE').filter((t) => t > 0),
      [6000],
    );
    lan.runUntil(10_000);
    assertTime(logTimes(r, 'Entering MASTER STATE')[1], 6000 + mdiV2(100));
  });
  it('own interface down: FAULT; with dont_track_primary: no FAULT', () => {
    const { lan, r } = solo(one({ sourceAddress: A }));
    r.start();
    lan.runUntil(5000);
    r.machine.interfaceChanged('eth0', false);
    assert.equal(r.stateOf('VI_1'), 'FAULT');
    r.machine.interfaceChanged('eth0', true);
    assert.equal(r.stateOf('VI_1'), 'BACKUP');
    const d = solo(one({ sourceAddress: A, dontTrackPrimary: true }));
    d.r.start();
    d.r.machine.interfaceChanged('eth0', false);
    assert.equal(d.r.stateOf('VI_1'), 'BACKUP');
  });
  it('a master hearing priority 0 answers with an advert at once and stays MASTER', () => {
    const { lan, r } = solo(one({ sourceAddress: A, priority: 150 }));
    r.start();
    lan.runUntil(5000);
    hear(r, { priority: 0 });
    assert.deepEqual(advertsAt(r, 5000), [150]);
    assert.equal(r.stateOf('VI_1'), 'MASTER');
    // and its next advert is one interval after that one
    lan.runUntil(6000.001);
    assert.deepEqual(advertsAt(r, 6000), [150]);
  });
});

describe('master answers', () => {
  it('lower priority: advert + GARP (garp_lower_prio_repeat) + delayed burst + notify MASTER_RX_LOWER_PRI', () => {
    const { lan, r } = solo(one({ sourceAddress: A, priority: 150 }));
    r.start();
    lan.runUntil(5000);
    hear(r, { priority: 100 });
    assert.deepEqual(advertsAt(r, 5000), [150]);
    assert.deepEqual(
      logTimes(r, `(VI_1) Received advert from ${B} with lower priority 100, ours 150, forcing new election`),
      [5000],
    );
    assert.equal(effectsOf(r, 'send-garp', 5000).length, 1);
    assert.ok(
      effectsOf(r, 'notify', 5000).some(
        (e) => e.value.type === 'notify' && e.value.state === 'MASTER_RX_LOWER_PRI',
      ),
    );
    lan.runUntil(10_000.5);
    assert.equal(effectsOf(r, 'send-garp', 9999).length, 1, 'garp_lower_prio_delay burst');
  });
  it('lower_prio_no_advert: no advert, no "forcing new election"', () => {
    const { lan, r } = solo(one({ sourceAddress: A, priority: 150, lowerPrioNoAdvert: true }));
    r.start();
    lan.runUntil(5000);
    hear(r, { priority: 100 });
    assert.deepEqual(advertsAt(r, 5000), []);
    assert.deepEqual(
      logTimes(r, `(VI_1) Received advert from ${B} with lower priority 100, ours 150`),
      [5000],
    );
    assert.deepEqual(logTimes(r, 'forcing'), []);
  });
  it('equal priority: the lower address yields, the higher answers; our own address warns', () => {
    const { lan, r } = solo(one({ sourceAddress: B, priority: 100 }));
    r.start();
    lan.runUntil(5000);
    hear(r, { priority: 100, src: A });
    assert.equal(r.stateOf('VI_1'), 'MASTER');
    hear(r, { priority: 100, src: B });
    assert.deepEqual(
      logTimes(r, '(VI_1) WARNING - equal priority advert received from remote host with our IP address.'),
      [5000],
    );
    hear(r, { priority: 100, src: '198.51.100.3' });
    assert.equal(r.stateOf('VI_1'), 'BACKUP');
    assert.deepEqual(
      logTimes(
        r,
        '(VI_1) Master received advert from 198.51.100.3 with same priority 100 but higher IP address than ours',
      ),
      [5000],
    );
  });
  it('higher_prio_send_advert: an advert before yielding', () => {
    const { lan, r } = solo(one({ sourceAddress: A, priority: 100, higherPrioSendAdvert: true }));
    r.start();
    lan.runUntil(5000);
    hear(r, { priority: 200 });
    assert.deepEqual(advertsAt(r, 5000), [100]);
    assert.equal(r.stateOf('VI_1'), 'BACKUP');
  });
});

describe('effective priority', () => {
  it('base + weights clamped to [1, 254]; reverse flips the direction; the backup timer moves', () => {
    const { r } = solo(
      one({
        sourceAddress: A,
        priority: 200,
        trackers: [
          { name: 'up', weight: 100 },
          { name: 'down', weight: -250 },
          { name: 'rev', weight: 10, reverse: true },
        ],
      }),
    );
    r.machine.start({
      up: { up: true, reason: '' },
      down: { up: true, reason: '' },
      rev: { up: false, reason: '' },
    });
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 254);
    assert.equal(r.machine.state.instances['VI_1']!.totalPriority, 300);
    r.machine.tracker('down', { up: false, reason: '' });
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 50);
    r.machine.tracker('up', { up: false, reason: '' });
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 1);
    r.machine.tracker('rev', { up: true, reason: '' });
    assert.equal(r.machine.state.instances['VI_1']!.totalPriority, -60);
    assert.deepEqual(logTimes(r, 'Changing effective priority from 254 to 50'), [0]);
    // The master-down timer follows the priority: now 3 s + 255/256 s after start.
    assertTime(r.machine.state.instances['VI_1']!.timers['master-down'], mdiV2(1));
  });
  it('the address owner (255) ignores weighted trackers', () => {
    const { r } = solo(one({ sourceAddress: A, priority: 255, trackers: [{ name: 'chk', weight: -50 }] }));
    r.machine.start({ chk: { up: false, reason: '' } });
    r.machine.tracker('chk', { up: true, reason: '' });
    r.machine.tracker('chk', { up: false, reason: '' });
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 255);
    assert.deepEqual(logTimes(r, 'Changing effective priority'), []);
  });
  it('a dynamic tracker (track_file) contributes the weight it reports', () => {
    const { r } = solo(one({ sourceAddress: A, trackers: [{ name: 'f', weight: 1, kind: 'file' }] }));
    r.machine.start({ f: { up: true, reason: '', weight: 25 } });
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 125);
  });
});

describe('GARP schedule', () => {
  it('garp_master_repeat/delay/refresh/refresh_repeat and garp_interval shape the send-garp effects', () => {
    const { lan, r } = solo(
      one({
        sourceAddress: A,
        garp: {
          masterRepeat: 3,
          masterDelayMs: 2000,
          masterRefreshMs: 4000,
          masterRefreshRepeat: 2,
          intervalMs: 10,
        },
        excludedVips: [{ address: '203.0.113.5' }],
      }),
    );
    r.start();
    lan.runUntil(20_000);
    const g = effectsOf(r, 'send-garp').map((e) => ({
      t: e.t,
      v:
        e.value.type === 'send-garp' ? [e.value.repeat, e.value.intervalMs, e.value.addresses.join(',')] : [],
    }));
    const t0 = mdiV2(100);
    assertTime(g[0]?.t, t0);
    assert.deepEqual(g[0]?.v, [3, 10, '198.51.100.100,203.0.113.5']);
    assertTime(g[1]?.t, t0 + 2000);
    assert.deepEqual(g[1]?.v, [3, 10, '198.51.100.100,203.0.113.5']);
    // Refresh runs on advert ticks once 4 s have passed (keepalived checks it in vrrp_state_master_tx).
    assertTime(g[2]?.t, t0 + 5000);
    assert.deepEqual(g[2]?.v, [2, 10, '198.51.100.100,203.0.113.5']);
    assertTime(g[3]?.t, t0 + 10_000);
    // The excluded VIP is added but never advertised.
    assert.equal(r.adverts().length > 0, true);
    const add = effectsOf(r, 'add-vips')[0]?.value;
    assert.deepEqual(add?.type === 'add-vips' ? add.vips.map((v) => v.address) : [], [
      '198.51.100.100',
      '203.0.113.5',
    ]);
  });
  it('garp_master_delay 0: no second burst', () => {
    const { lan, r } = solo(one({ sourceAddress: A, garp: { masterDelayMs: 0 } }));
    r.start();
    lan.runUntil(30_000);
    assert.equal(effectsOf(r, 'send-garp').length, 1);
  });
});

describe('unicast', () => {
  it('one advert datagram per peer, each addressed to it', () => {
    const { lan, r } = solo(
      one({ sourceAddress: A, unicastPeers: [{ address: B }, { address: '198.51.100.3' }] }),
    );
    r.start();
    lan.runUntil(4000);
    const e = effectsOf(r, 'send-advert')[0]?.value;
    assert.ok(e?.type === 'send-advert');
    assert.deepEqual(
      e.packets.map((p) => p.dst),
      [B, '198.51.100.3'],
    );
    assert.deepEqual([e.src, e.ttl, e.interface], [A, 255, 'eth0']);
  });
});

describe('sync groups', () => {
  const params = (trackingWeight?: boolean): VrrpParams => ({
    instances: [
      inst({ sourceAddress: A, trackers: [{ name: 'w', weight: 20 }] }),
      inst({ name: 'VI_2', vrid: 52, sourceAddress: A, vips: [{ address: '198.51.100.101' }] }),
    ],
    syncGroups: [
      { name: 'G1', members: ['VI_1', 'VI_2'], ...(trackingWeight === undefined ? {} : { trackingWeight }) },
    ],
  });
  it('weighted trackers are dropped inside a sync group unless sync_group_tracking_weight', () => {
    const { r } = solo(params());
    r.machine.start({ w: { up: true, reason: '' } });
    assert.deepEqual(logTimes(r, '(VI_1) ignoring tracked script w with weights due to SYNC group'), [0]);
    assert.equal(r.machine.state.instances['VI_1']!.effectivePriority, 100);
    const k = solo(params(true));
    k.r.machine.start({ w: { up: true, reason: '' } });
    assert.equal(k.r.machine.state.instances['VI_1']!.effectivePriority, 120);
  });
  it('members go MASTER together, and a member losing pulls the group to BACKUP', () => {
    const { lan, r } = solo(params(true));
    r.machine.start({ w: { up: true, reason: '' } });
    lan.runUntil(5000);
    assert.deepEqual([r.stateOf('VI_1'), r.stateOf('VI_2')], ['MASTER', 'MASTER']);
    assert.equal(logTimes(r, 'VRRP_Group(G1) Syncing instances to MASTER state').length, 1);
    // VI_1 (120) timed out first but VI_2 did not want MASTER yet, so VI_1 waited; when VI_2 timed out at its
    // own MDI every member wanted MASTER and both went (keepalived vrrp_sync_can_goto_master).
    assertTime(logTimes(r, '(VI_2) Entering MASTER STATE')[0], mdiV2(100));
    assertTime(logTimes(r, '(VI_1) Entering MASTER STATE')[0], mdiV2(100));
    hear(r, { priority: 200, vrid: 51 });
    assert.deepEqual([r.stateOf('VI_1'), r.stateOf('VI_2')], ['BACKUP', 'BACKUP']);
    assert.deepEqual(logTimes(r, 'VRRP_Group(G1) Syncing instances to BACKUP state'), [5000]);
    const groupNotifies = effectsOf(r, 'notify')
      .filter((e) => e.value.type === 'notify' && e.value.scope === 'GROUP')
      .map((e) => (e.value.type === 'notify' ? e.value.state : ''));
    assert.deepEqual(groupNotifies, ['BACKUP', 'MASTER', 'BACKUP']);
  });
  it('shutdown: priority 0 from each master, STOP for instances and the group (priority 0)', () => {
    const { lan, r } = solo(params(true));
    r.machine.start({ w: { up: true, reason: '' } });
    lan.runUntil(5000);
    r.stop();
    assert.deepEqual(advertsAt(r, 5000), [0, 0]);
    const stops = effectsOf(r, 'notify', 5000).map((e) => e.value);
    assert.deepEqual(stops, [
      { type: 'notify', scope: 'INSTANCE', name: 'VI_1', state: 'STOP', priority: 120 },
      { type: 'notify', scope: 'INSTANCE', name: 'VI_2', state: 'STOP', priority: 100 },
      { type: 'notify', scope: 'GROUP', name: 'G1', state: 'STOP', priority: 0 },
    ]);
    assert.deepEqual([...r.vips], []);
  });
});

describe('reducer hygiene', () => {
  it('stale and unknown timers, and packets before start, change nothing', () => {
    const s0 = createVrrpState(one({ sourceAddress: A }));
    const s1 = step(s0, { type: 'start', now: 0 }).state;
    const early = step(s1, { type: 'timer', now: 10, instance: 'VI_1', timer: 'master-down' });
    assert.deepEqual(early.effects, []);
    assert.deepEqual(early.state.instances, s1.instances);
    assert.deepEqual(step(s1, { type: 'timer', now: 10, instance: 'nope', timer: 'advert' }).effects, []);
    assert.deepEqual(
      step(s0, {
        type: 'packet',
        now: 0,
        packet: { family: 'ipv4', interface: 'eth0', src: B, dst: '224.0.0.18', payload: new Uint8Array(20) },
      }).effects,
      [],
    );
    // step never mutates its input
    const frozen = JSON.stringify(s1);
    step(s1, { type: 'timer', now: mdiV2(100), instance: 'VI_1', timer: 'master-down' });
    assert.equal(JSON.stringify(s1), frozen);
  });
});
