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
} from '../../helpers/vrrp-scenario.js';
import { handover, timelineOf } from '../../helpers/vrrp-timeline.js';

/**
 * The address owner (issue 6; vrrp.md §1.6, §3.3 scenario 18): priority 255 with `state MASTER`
 * becomes master at once, without a Master_Down wait (keepalived `vrrp_init_state`: after 1 µs),
 * preempting a running priority-100 master; when it dies the backup takes over at its MDI.
 */
describe(
  'address owner (priority 255), v3 at 500 ms',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('viowner', after);
    let rig: InteropRig;

    before(async () => {
      rig = await InteropRig.create(lab);
    });

    PAIRS.forEach((pair, i) => {
      const name = pairName(pair);
      test(`${name}: the ${pair[0]} owner takes over at once from the ${pair[1]} master, which takes over at MDI when it dies`, async () => {
        const vrid = 120 + i;
        const [owner, other] = rig.pair(pair);
        try {
          other.start(instanceConf(vrid, 100, { advertInt: 0.5 }));
          await other.waitState('MASTER', 8000);
          const cap = await rig.capture();
          owner.start(instanceConf(vrid, 255, { state: 'MASTER', advertInt: 0.5 }));
          // The pid file is written once the daemon is up (Tandem: after its sockets are bound), the
          // closest host-side mark of "VRRP started" for both daemons.
          let upAt = 0;
          const deadline = Date.now() + 8000;
          while (upAt === 0 && Date.now() < deadline) {
            if (owner.pidFilePresent()) upAt = Date.now() / 1000;
            else await sleep(5);
          }
          assert.ok(upAt > 0, `${owner.label} wrote no pid file`);
          await owner.waitState('MASTER', 5000);
          await other.waitState('BACKUP', 3000);
          await sleep(300);
          owner.crash();
          await other.waitState('MASTER', 5000, 'VI_1', 2);
          await sleep(300);
          const t = timelineOf(await cap.stop());
          const first = t.adverts.find((a) => a.src === owner.address && a.vrid === vrid);
          assert.ok(first !== undefined, 'the owner sent nothing');
          assert.equal(first.priority, 255);
          const startToAdvert = (first.time - upAt) * 1000;
          // Far below the 1.5 s Master_Down wait a non-owner would have at 500 ms adverts (keepalived's
          // VRRP child starts ~0.1 s after its parent's pid file; Node needs no such margin).
          assert.ok(
            startToAdvert < 700,
            `owner's first advert ${startToAdvert.toFixed(1)} ms after its pid file`,
          );
          const yielded = t.adverts.filter(
            (a) => a.src === other.address && a.time > first.time + 0.005 && a.time < first.time + 1,
          );
          assert.deepEqual(
            yielded.map((a) => a.time),
            [],
            `${other.label} kept advertising after the owner's advert`,
          );
          const h = handover(t, vrid, owner.address, other.address, first.time);
          assert.ok(h !== undefined, 'no takeover after the owner died');
          const mdi = masterDownMs(3, 0.5, 100);
          assertBand(`${name} owner crash takeover`, h.gapMs, mdi - 10, mdi + 50);
          assertWire(t, owner, { vrid, version: 3, interval: 50, dst: ['224.0.0.18'] });
          assertNoRejects(owner, other);
          await assertVipOn(other, [other]);
          recordFigure({
            scenario: 'v3 500 ms, owner (255) start',
            pair: `${name[0]}>${name[1]}`,
            metric: 'owner up (pid file) -> its first advert',
            ms: startToAdvert,
            theoryMs: 0,
          });
        } finally {
          await rig.reset();
        }
      });
    });
  },
);
