import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { masterDownMs, skewMs } from '../../helpers/vrrp-conf.js';
import { keepalivedStats, TANDEM_ADMIN, tandemMetric } from '../../helpers/vrrp-counters.js';
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
import { describeAround, handover, timelineOf } from '../../helpers/vrrp-timeline.js';

const v2 = (vrid: number, priority: number, authPass: string): string =>
  instanceConf(vrid, priority, { version: 2, advertInt: 1, authPass });

/** The auth failures a node counted: keepalived's SIGUSR2 stats, Tandem's keepalived-compatible metric. */
async function authFailures(n: VrrpNode): Promise<number | undefined> {
  if (n.impl === 'keepalived') return (await keepalivedStats(n)).get('Authentication Errors/Failure');
  return tandemMetric(n, 'keepalived_authentication_failure_total');
}

/**
 * VRRPv2 at advert_int 1 with PASS authentication (issue 6; vrrp.md §3.3 scenario 10): a matching
 * password forms a pair through election, graceful handover, preemption and crash takeover at the
 * v2 timers (skew 609 ms, Master_Down 3.609 s for priority 100); a mismatch leaves two masters, each
 * logging keepalived's `received an invalid passwd!` and counting it.
 */
describe(
  'VRRPv2 at 1 s with PASS authentication',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('viauth', after);
    let rig: InteropRig;

    before(async () => {
      rig = await InteropRig.create(lab);
      for (const r of rig.routers.values()) r.tandemArgs = ['--admin', TANDEM_ADMIN];
    });

    PAIRS.forEach((pair, i) => {
      const name = pairName(pair);

      test(`${name}: matching password: graceful handover, preemption, crash takeover at the v2 timers`, async () => {
        const vrid = 80 + i;
        const [hi, lo] = rig.pair(pair);
        try {
          const cap = await rig.capture();
          await startSettled(hi, v2(vrid, 150, 'secret1'), lo, v2(vrid, 100, 'secret1'));
          await sleep(1500);
          assert.deepEqual(await hi.stop(), { code: 0, signal: null });
          await lo.waitState('MASTER', 3000);
          const restartAt = Date.now() / 1000;
          hi.start(v2(vrid, 150, 'secret1'));
          await hi.waitState('MASTER', 8000);
          await lo.waitState('BACKUP', 3000, 'VI_1', 2);
          await sleep(1300);
          const crashAt = Date.now() / 1000;
          hi.crash();
          await lo.waitState('MASTER', 6000, 'VI_1', 2);
          await sleep(300);
          const t = timelineOf(await cap.stop());
          const graceful = handover(t, vrid, hi.address, lo.address, 0, restartAt);
          assert.ok(graceful?.fromZeroMs !== undefined, 'no priority-0 handover');
          assertBand(
            `${name} v2 graceful`,
            graceful.fromZeroMs,
            skewMs(2, 1, 100) - 10,
            skewMs(2, 1, 100) + 50,
          );
          const crash = handover(t, vrid, hi.address, lo.address, crashAt - 1.5);
          assert.ok(crash !== undefined, 'no crash takeover');
          const mdi = masterDownMs(2, 1, 100);
          assertBand(
            `${name} v2 crash`,
            crash.gapMs,
            mdi - 10,
            mdi + 50,
            describeAround(t, vrid, crashAt, 5),
          );
          for (const n of [hi, lo])
            assertWire(t, n, { vrid, version: 2, interval: 1, authType: 1, dst: ['224.0.0.18'] });
          assertNoRejects(hi, lo);
          await assertVipOn(lo, [lo]);
          const scenario = 'v2 1 s, PASS';
          recordFigure({
            scenario,
            pair: name,
            metric: 'priority-0 advert -> first advert of the new master',
            ms: graceful.fromZeroMs,
            theoryMs: skewMs(2, 1, 100),
          });
          recordFigure({
            scenario,
            pair: name,
            metric: 'last advert of the dead master -> first advert of the new one',
            ms: crash.gapMs,
            theoryMs: mdi,
          });
        } finally {
          await rig.reset();
        }
      });

      test(`${name}: mismatching passwords: both become master, log and count the invalid password`, async () => {
        const vrid = 90 + i;
        const [a, b] = rig.pair(pair);
        try {
          a.start(v2(vrid, 150, 'secret1'));
          b.start(v2(vrid, 100, 'other22'));
          await Promise.all([a.waitState('MASTER', 8000), b.waitState('MASTER', 8000)]);
          // keepalived re-arms a master's advert timer on every received packet, even a rejected one
          // (docs/vrrp.md, difference 1), so a keepalived master that lost the race may send a single
          // advert while the other's keep arriving: each side rejects at least one.
          await sleep(2500);
          for (const n of [a, b]) {
            const lines = n.lines(/\(VI_1\) received an invalid passwd!/);
            assert.ok(
              lines.length >= 1,
              `${n.label} logged ${lines.length} invalid passwd lines:\n${n.log()}`,
            );
            const counted = await authFailures(n);
            assert.ok(counted !== undefined && counted >= 1, `${n.label} counted ${counted} auth failures`);
            assert.equal(n.lastState(), 'MASTER');
          }
          await assertVipOn(a, [a]);
          await assertVipOn(b, [b]);
        } finally {
          await rig.reset();
        }
      });
    });
  },
);
