import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { masterDownMs } from '../../helpers/vrrp-conf.js';
import { InteropRig, PAIRS, pairName, recordFigure, sleep } from '../../helpers/vrrp-rig.js';
import {
  assertBand,
  assertNoRejects,
  assertVipOn,
  assertWire,
  instanceConf,
  startSettled,
} from '../../helpers/vrrp-scenario.js';
import { handover, timelineOf } from '../../helpers/vrrp-timeline.js';

const wire = (vrid: number) => ({ vrid, version: 3 as const, interval: 10, dst: ['224.0.0.18'] });

/**
 * Election by priority, preemption when the higher node returns, and nopreempt (issue 6; vrrp.md
 * §3.3 scenarios 1, 2, 5, 6), v3 at 100 ms, every pairing (first = the priority-150 node).
 */
describe(
  'election, preemption, nopreempt',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('vielect', after);
    let rig: InteropRig;

    before(async () => {
      rig = await InteropRig.create(lab);
    });

    PAIRS.forEach((pair, i) => {
      const name = pairName(pair);

      test(`${name}: started together, the priority-150 ${pair[0]} is elected over the priority-100 ${pair[1]}`, async () => {
        const vrid = 50 + i;
        const [hi, lo] = rig.pair(pair);
        try {
          const cap = await rig.capture();
          lo.start(instanceConf(vrid, 100));
          hi.start(instanceConf(vrid, 150));
          await hi.waitState('MASTER', 8000);
          await lo.waitState('BACKUP', 8000);
          const settled = Date.now() / 1000;
          await sleep(1200); // > 3 Master_Down_Intervals of steady state
          const t = timelineOf(await cap.stop());
          const late = t.adverts.filter((a) => a.vrid === vrid && a.time > settled + 0.1);
          assert.ok(late.length >= 8, `only ${late.length} adverts in 1.1 s`);
          assert.deepEqual(
            new Set(late.map((a) => `${a.src}/${a.priority}`)),
            new Set([`${hi.address}/150`]),
          );
          assert.equal(hi.lastState(), 'MASTER');
          assert.equal(lo.lastState(), 'BACKUP');
          for (const n of [hi, lo])
            if (t.adverts.some((a) => a.src === n.address)) assertWire(t, n, wire(vrid));
          assertWire(t, hi, wire(vrid));
          assertNoRejects(hi, lo);
          await assertVipOn(hi, [hi, lo]);
        } finally {
          await rig.reset();
        }
      });

      test(`${name}: the higher ${pair[0]} returns and preempts; the ${pair[1]} steps back and drops the VIP`, async () => {
        const vrid = 60 + i;
        const [hi, lo] = rig.pair(pair);
        try {
          await startSettled(hi, instanceConf(vrid, 150), lo, instanceConf(vrid, 100));
          await hi.stop();
          await lo.waitState('MASTER', 3000);
          await sleep(300);
          const cap = await rig.capture();
          const restart = Date.now() / 1000;
          hi.start(instanceConf(vrid, 150));
          await hi.waitState('MASTER', 5000);
          await lo.waitState('BACKUP', 3000, 'VI_1', 2);
          await sleep(300);
          const t = timelineOf(await cap.stop());
          const h = handover(t, vrid, lo.address, hi.address);
          assert.ok(h !== undefined, 'no preemption in the capture');
          // The returning node discards the lower adverts and takes over at its own Master_Down_Interval
          // after start (plus its start-up time: ~0.3 s for Node, a few ms for keepalived).
          const fromRestart = (h.firstNew.time - restart) * 1000;
          assertBand(`${name} preemption after restart`, fromRestart, masterDownMs(3, 0.1, 150) - 10, 2500);
          // The old master yields on the first higher advert: at most one of its adverts can cross.
          const lowAfter = t.adverts.filter((a) => a.src === lo.address && a.time > h.firstNew.time + 0.005);
          assert.deepEqual(
            lowAfter.map((a) => a.time),
            [],
            `${lo.label} kept advertising after being preempted`,
          );
          assertNoRejects(hi, lo);
          await assertVipOn(hi, [hi, lo]);
          recordFigure({
            scenario: 'v3 100 ms, preemption',
            pair: `${name[0]}>${name[1]}`,
            metric: 'restart of the priority-150 node -> its first advert',
            ms: fromRestart,
            theoryMs: masterDownMs(3, 0.1, 150),
          });
        } finally {
          await rig.reset();
        }
      });

      test(`${name}: a priority-150 ${pair[0]} with nopreempt stays backup under the ${pair[1]} master until it dies`, async () => {
        const vrid = 70 + i;
        const [hi, lo] = rig.pair(pair);
        try {
          const cap = await rig.capture();
          await startSettled(lo, instanceConf(vrid, 100), hi, instanceConf(vrid, 150, { nopreempt: true }));
          const joined = Date.now() / 1000;
          await sleep(1500); // > 3 × its Master_Down_Interval (341 ms)
          assert.equal(hi.lastState(), 'BACKUP');
          assert.equal(hi.stateCount('MASTER'), 0, `${hi.label} preempted despite nopreempt`);
          lo.crash();
          await hi.waitState('MASTER', 3000);
          await sleep(200);
          const t = timelineOf(await cap.stop());
          assert.equal(t.adverts.filter((a) => a.src === hi.address && a.time < joined + 1.5).length, 0);
          const h = handover(t, vrid, lo.address, hi.address);
          assert.ok(h !== undefined, 'no takeover in the capture');
          const mdi = masterDownMs(3, 0.1, 150);
          assertBand(`${name} nopreempt takeover`, h.gapMs, mdi - 10, mdi + 50);
          assertWire(t, hi, wire(vrid));
          assertNoRejects(hi, lo);
          await assertVipOn(hi, [hi]);
        } finally {
          await rig.reset();
        }
      });
    });
  },
);
