import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { keepalivedConf, masterDownMs } from '../../helpers/vrrp-conf.js';
import type { VrrpNode } from '../../helpers/vrrp-node.js';
import { InteropRig, PAIRS, pairName, recordFigure, sleep, VIP } from '../../helpers/vrrp-rig.js';
import { assertBand, assertNoRejects, assertVipOn, startSettled } from '../../helpers/vrrp-scenario.js';
import { handover, timelineOf } from '../../helpers/vrrp-timeline.js';

/** A config whose instance tracks `chk`: the script fails while `flag` exists (`test ! -e flag`). */
function tracked(vrid: number, priority: number, flag: string, weight: number): string {
  return keepalivedConf({
    scripts: [{ name: 'chk', script: `/usr/bin/test ! -e ${flag}`, interval: 1, fall: 1, rise: 1, weight }],
    instances: [
      { vrid, priority, version: 3, advertInt: 0.1, vips: [`${VIP}/24`], trackScripts: [{ name: 'chk' }] },
    ],
  });
}

const plain = (vrid: number, priority: number): string =>
  keepalivedConf({ instances: [{ vrid, priority, version: 3, advertInt: 0.1, vips: [`${VIP}/24`] }] });

/** Priorities the node advertised for `vrid`, in order, without repeats. */
const advertised = (t: ReturnType<typeof timelineOf>, n: VrrpNode, vrid: number): number[] =>
  t.adverts
    .filter((a) => a.vrid === vrid && a.src === n.address)
    .map((a) => a.priority)
    .filter((p, i, all) => i === 0 || all[i - 1] !== p);

/**
 * vrrp_script driving VRRP on the wire (issue 7 network test; vrrp.md §3.3 scenario 12): a check
 * failing on the master (weight −60: 150 → 90) lowers its advertised priority; the priority-100
 * backup discards the lower adverts and takes over at its Master_Down_Interval after the last
 * priority-150 advert; when the check recovers the master preempts back. Every pairing, so both
 * "Tandem master, keepalived backup" and "keepalived master, Tandem backup" are covered; and a
 * backup whose positive weight (+60: 100 → 160) makes it win when its check starts succeeding.
 */
describe(
  'track_script weights on the wire',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('vitrack', after);
    let rig: InteropRig;
    const mdi = masterDownMs(3, 0.1, 100);

    before(async () => {
      rig = await InteropRig.create(lab);
    });

    PAIRS.forEach((pair, i) => {
      const name = pairName(pair);
      test(`${name}: the ${pair[0]} master's failing check (weight -60) hands over to the ${pair[1]}; recovery preempts back`, async () => {
        const vrid = 150 + i;
        const [master, backup] = rig.pair(pair);
        const flag = join(lab.tmp, `fail-${vrid}`);
        try {
          const cap = await rig.capture();
          await startSettled(master, tracked(vrid, 150, flag, -60), backup, plain(vrid, 100));
          await sleep(300);
          writeFileSync(flag, '');
          await backup.waitState('MASTER', 4000);
          await master.waitState('BACKUP', 2000);
          await sleep(300);
          const failed = timelineOf(cap.snapshot());
          rmSync(flag);
          await master.waitState('MASTER', 4000, 'VI_1', 2);
          await backup.waitState('BACKUP', 2000, 'VI_1', 2);
          await sleep(300);
          const t = timelineOf(await cap.stop());
          assert.deepEqual(
            advertised(t, master, vrid),
            [150, 90, 150],
            `${master.label} advertised priorities`,
          );
          assert.ok(
            master.lines(/VRRP_Script\(chk\) failed/).length >= 1,
            `${master.label} did not log the failure`,
          );
          assert.ok(
            master.lines(/Changing effective priority from 150 to 90/).length >= 1,
            `${master.label}: no priority change line`,
          );
          // The backup discards the lower (90) adverts, so its timer runs from the last 150 advert.
          const last150 = failed.adverts
            .filter((a) => a.src === master.address && a.vrid === vrid && a.priority === 150)
            .pop();
          const h = handover(failed, vrid, master.address, backup.address);
          assert.ok(last150 !== undefined && h !== undefined, 'no takeover in the capture');
          const gap = (h.firstNew.time - last150.time) * 1000;
          assertBand(`${name} takeover after the check failed`, gap, mdi - 10, mdi + 50);
          assertNoRejects(master, backup);
          await assertVipOn(master, [master, backup]);
          recordFigure({
            scenario: 'v3 100 ms, track_script weight -60',
            pair: name,
            metric: 'last priority-150 advert -> first advert of the backup',
            ms: gap,
            theoryMs: mdi,
          });
        } finally {
          rmSync(flag, { force: true });
          await rig.reset();
        }
      });
    });

    for (const pair of PAIRS.filter((p) => p[1] === 'tandem' || p[0] === p[1])) {
      const name = pairName(pair);
      test(`${name}: a ${pair[1]} backup whose check recovers (weight +60: 160) preempts the ${pair[0]} master`, async () => {
        const vrid = 160 + PAIRS.indexOf(pair);
        const [master, backup] = rig.pair(pair);
        const flag = join(lab.tmp, `fail-${vrid}`);
        try {
          writeFileSync(flag, '');
          const cap = await rig.capture();
          await startSettled(master, plain(vrid, 150), backup, tracked(vrid, 100, flag, 60));
          await sleep(1500);
          assert.equal(backup.lastState(), 'BACKUP');
          rmSync(flag);
          await backup.waitState('MASTER', 4000);
          await master.waitState('BACKUP', 2000);
          await sleep(300);
          const t = timelineOf(await cap.stop());
          assert.deepEqual(advertised(t, backup, vrid), [160], `${backup.label} advertised priorities`);
          assertNoRejects(master, backup);
          await assertVipOn(backup, [master, backup]);
        } finally {
          rmSync(flag, { force: true });
          await rig.reset();
        }
      });
    }
  },
);
