import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { masterDownMs } from '../../helpers/vrrp-conf.js';
import type { VrrpNode } from '../../helpers/vrrp-node.js';
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

const uni = (vrid: number, priority: number, self: VrrpNode, peer: VrrpNode): string =>
  instanceConf(vrid, priority, { unicast: { src: self.address, peers: [peer.address] } });

/**
 * Unicast peers (issue 6; vrrp.md §3.3 scenario 15): `unicast_src_ip` + `unicast_peer` on both
 * sides, v3 at 100 ms. Every advert goes to the peer's address (TTL 255, the v3 checksum over the
 * pseudo-header with the peer as destination), none to 224.0.0.18; election and crash takeover work.
 */
describe('unicast peers, v3 at 100 ms', { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) }, () => {
  const lab = NetLab.create('viuni', after);
  let rig: InteropRig;
  const mdi = masterDownMs(3, 0.1, 100);

  before(async () => {
    rig = await InteropRig.create(lab);
  });

  PAIRS.forEach((pair, i) => {
    const name = pairName(pair);
    test(`${name}: unicast election and crash takeover`, async () => {
      const vrid = 110 + i;
      const [master, backup] = rig.pair(pair);
      try {
        const cap = await rig.capture();
        await startSettled(master, uni(vrid, 150, master, backup), backup, uni(vrid, 100, backup, master));
        await sleep(500);
        assert.equal(backup.lastState(), 'BACKUP');
        master.crash();
        await backup.waitState('MASTER', 3000);
        await sleep(300);
        const t = timelineOf(await cap.stop());
        assertWire(t, master, { vrid, version: 3, interval: 10, dst: [backup.address] });
        assertWire(t, backup, { vrid, version: 3, interval: 10, dst: [master.address] });
        const h = handover(t, vrid, master.address, backup.address);
        assert.ok(h !== undefined, 'no takeover in the capture');
        assertBand(`${name} unicast crash takeover`, h.gapMs, mdi - 10, mdi + 50);
        assertNoRejects(master, backup);
        await assertVipOn(backup, [backup]);
        recordFigure({
          scenario: 'v3 100 ms unicast, kill -9',
          pair: name,
          metric: 'last advert of the dead master -> first advert of the new one',
          ms: h.gapMs,
          theoryMs: mdi,
        });
      } finally {
        await rig.reset();
      }
    });
  });
});
