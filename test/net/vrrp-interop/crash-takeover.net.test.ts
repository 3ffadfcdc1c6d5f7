import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { masterDownMs } from '../../helpers/vrrp-conf.js';
import { InteropRig, PAIRS, pairName, recordFigure, sleep, VIP } from '../../helpers/vrrp-rig.js';
import {
  assertBand,
  assertNoRejects,
  assertVipOn,
  assertWire,
  instanceConf,
  startSettled,
} from '../../helpers/vrrp-scenario.js';
import { describeAround, garps, handover, stalls, timelineOf } from '../../helpers/vrrp-timeline.js';

/**
 * Crash takeover (issue 6; vrrp.md §3.3 scenario 3): kill -9 of the master (keepalived: parent and
 * VRRP child together); the backup's first advert comes within [MDI − 10 ms, MDI + 50 ms] of the
 * dead master's last advert, and its gratuitous ARPs follow. v3 at 100 ms, every pairing, two runs
 * each at different points of the advert cycle; the figures feed docs/vrrp-interop.md.
 */
describe('crash takeover, v3 at 100 ms', { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) }, () => {
  const lab = NetLab.create('vicrash', after);
  let rig: InteropRig;
  const mdi = masterDownMs(3, 0.1, 100);

  before(async () => {
    rig = await InteropRig.create(lab);
  });

  PAIRS.forEach((pair, i) => {
    for (const run of [0, 1]) {
      test(`${pairName(pair)} run ${run + 1}: ${pair[0]} master killed, ${pair[1]} takes over at MDI`, async () => {
        const vrid = 10 + 2 * i + run;
        const [master, backup] = rig.pair(pair);
        try {
          const cap = await rig.capture();
          await startSettled(master, instanceConf(vrid, 150), backup, instanceConf(vrid, 100));
          await sleep(400 + run * 55); // a different phase of the 100 ms advert cycle per run
          const crashAt = Date.now() / 1000;
          master.crash();
          await backup.waitState('MASTER', 3000);
          await sleep(400); // the GARP burst (Tandem's arping takes tens of ms)
          const t = timelineOf(await cap.stop());
          const h = handover(t, vrid, master.address, backup.address);
          assert.ok(h !== undefined, 'no handover in the capture');
          // No spurious takeover before the kill: the master never stalled past the backup's MDI.
          const early = t.adverts.filter((a) => a.src === backup.address && a.time < crashAt);
          assert.deepEqual(
            early.map((a) => a.time),
            [],
            `${backup.label} advertised before the kill; ${master.label} stalls: ${JSON.stringify(stalls(t, vrid, master.address, 150))}`,
          );
          assert.equal(h.priorityZero, undefined, 'a crashed master sends no priority 0');
          assertBand(
            `${pairName(pair)} crash takeover`,
            h.gapMs,
            mdi - 10,
            mdi + 50,
            `adverts around the kill:\n${describeAround(t, vrid, crashAt, 0.6)}`,
          );
          const burst = garps(t, VIP, backup.mac, h.firstNew.time);
          assert.ok(burst.length >= 5, `${backup.label} sent ${burst.length} GARPs after taking over`);
          for (const n of [master, backup])
            assertWire(t, n, { vrid, version: 3, interval: 10, dst: ['224.0.0.18'] });
          assertNoRejects(master, backup);
          await assertVipOn(backup, [backup]);
          recordFigure({
            scenario: 'v3 100 ms, kill -9',
            pair: pairName(pair),
            metric: 'last advert of the dead master -> first advert of the new one',
            ms: h.gapMs,
            theoryMs: mdi,
          });
          recordFigure({
            scenario: 'v3 100 ms, kill -9',
            pair: pairName(pair),
            metric: 'first advert of the new master -> first GARP',
            ms: (burst[0]!.time - h.firstNew.time) * 1000,
            theoryMs: 0,
          });
        } finally {
          await rig.reset();
        }
      });
    }
  });
});
