import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { skewMs } from '../../helpers/vrrp-conf.js';
import { InteropRig, PAIRS, pairName, recordFigure, sleep, VIP } from '../../helpers/vrrp-rig.js';
import {
  assertBand,
  assertNoRejects,
  assertVipOn,
  assertWire,
  instanceConf,
  startSettled,
} from '../../helpers/vrrp-scenario.js';
import { describeAround, garps, handover, timelineOf } from '../../helpers/vrrp-timeline.js';

/**
 * Graceful takeover (issue 6; vrrp.md §3.3 scenario 4): SIGTERM to the master sends a priority-0
 * advert, removes the VIP and exits 0; the backup's first advert follows within Skew_Time + 50 ms
 * of that advert (60.9 ms for priority 100 at 100 ms), far below the Master_Down path.
 *
 * The +50 ms bound holds where Tandem takes over (its own timer). Where keepalived takes over (TK,
 * KK), what is under test is that the priority-0 advert put keepalived on the skew path at all: the
 * bound is Skew_Time + 150 ms, still 50 ms under the earliest a Master_Down takeover could come
 * (Master_Down_Interval after the last advert, which is at most one interval before the priority 0).
 * keepalived's own scheduling once missed +50 by 74 ms on a busy CI host (134.6 ms, 1 of ~100 runs).
 */
describe(
  'graceful takeover, v3 at 100 ms',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('vigrace', after);
    let rig: InteropRig;
    const skew = skewMs(3, 0.1, 100);

    before(async () => {
      rig = await InteropRig.create(lab);
    });

    PAIRS.forEach((pair, i) => {
      for (const run of [0, 1]) {
        test(`${pairName(pair)} run ${run + 1}: ${pair[0]} master stopped, ${pair[1]} takes over after the skew`, async () => {
          const vrid = 30 + 2 * i + run;
          const [master, backup] = rig.pair(pair);
          try {
            const cap = await rig.capture();
            await startSettled(master, instanceConf(vrid, 150), backup, instanceConf(vrid, 100));
            await sleep(400 + run * 55);
            const exit = await master.stop();
            assert.deepEqual(exit, { code: 0, signal: null }, `${master.label} exit on SIGTERM`);
            await backup.waitState('MASTER', 3000);
            await sleep(400);
            const t = timelineOf(await cap.stop());
            const h = handover(t, vrid, master.address, backup.address);
            assert.ok(h !== undefined, 'no handover in the capture');
            assert.ok(
              h.priorityZero !== undefined && h.fromZeroMs !== undefined,
              `${master.label} sent no priority-0 advert`,
            );
            assertBand(
              `${pairName(pair)} graceful takeover`,
              h.fromZeroMs,
              skew - 10,
              skew + (pair[1] === 'tandem' ? 50 : 150),
              `adverts around the priority 0:\n${describeAround(t, vrid, h.priorityZero.time, 0.5)}\n${backup.label}: ${backup
                .lines(/VI_1|VRRP/)
                .slice(-6)
                .join('\n')}`,
            );
            assert.ok(garps(t, VIP, backup.mac, h.firstNew.time).length >= 5, `${backup.label} GARPs`);
            for (const n of [master, backup])
              assertWire(t, n, { vrid, version: 3, interval: 10, dst: ['224.0.0.18'] });
            assertNoRejects(master, backup);
            await assertVipOn(backup, [master, backup]);
            recordFigure({
              scenario: 'v3 100 ms, SIGTERM',
              pair: pairName(pair),
              metric: 'priority-0 advert -> first advert of the new master',
              ms: h.fromZeroMs,
              theoryMs: skew,
            });
          } finally {
            await rig.reset();
          }
        });
      }
    });
  },
);
