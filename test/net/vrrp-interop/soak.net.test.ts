import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../../helpers/agent.js';
import { NetLab } from '../../helpers/netns.js';
import { repoRoot } from '../../helpers/paths.js';
import { requireRoot } from '../../helpers/require-root.js';
import { keepalivedConf, masterDownMs } from '../../helpers/vrrp-conf.js';
import { TANDEM_ADMIN } from '../../helpers/vrrp-counters.js';
import type { VrrpNode } from '../../helpers/vrrp-node.js';
import { InteropRig, recordFigure, sleep, VIP } from '../../helpers/vrrp-rig.js';
import { assertNoRejects } from '../../helpers/vrrp-scenario.js';
import { stalls, timelineOf, type Timeline } from '../../helpers/vrrp-timeline.js';

const loadAgent = join(repoRoot, 'dist', 'test', 'net', 'agents', 'http-load.js');
const SOAK_MS = 60_000;
/** `TANDEM_SOAK_REFERENCE=1` runs the same soak with keepalived in Tandem's place (harness check). */
const reference = process.env.TANDEM_SOAK_REFERENCE === '1';

/** Two instances, so the node under test is master of one VRID and backup of the other at once. */
function conf(first: number, second: number): string {
  const base = { version: 3 as const, advertInt: 0.01 };
  return keepalivedConf({
    instances: [
      { ...base, name: 'VI_1', vrid: 140, priority: first, vips: [`${VIP}/24`] },
      { ...base, name: 'VI_2', vrid: 141, priority: second, vips: ['198.51.100.101/24'] },
    ],
  });
}

/** Sorted gaps (ms) between consecutive adverts of `src` for `vrid` within [from, to]. */
function gaps(t: Timeline, vrid: number, src: string, from: number, to: number): number[] {
  const times = t.adverts.filter((a) => a.vrid === vrid && a.src === src && a.time >= from && a.time <= to);
  return times
    .slice(1)
    .map((a, i) => (a.time - times[i]!.time) * 1000)
    .sort((a, b) => a - b);
}

/**
 * The soak (issue 6; vrrp.md §3.3 scenario 19, §4 "practical limit"): v3 at 10 ms adverts for 60 s
 * with HTTP load on the Tandem node (a small HTTP server in its namespace driven from the client,
 * and its own admin server's /metrics driven from inside), Tandem master of VRID 140 and backup of
 * VRID 141 against keepalived: a 36 ms stall of either daemon would be a false failover, so no
 * transition may happen and the masters' advert gaps must stay below Master_Down_Interval. The load
 * is bounded (1000 req/s to the server, 100 req/s to /metrics, 60 s): an unbounded load that pins
 * both cores of a CI machine made keepalived itself flap at 10 ms (measured, keepalived vs keepalived).
 */
describe(
  'soak: v3 at 10 ms for 60 s under HTTP load',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('visoak', after);
    let rig: InteropRig;

    before(async () => {
      rig = await InteropRig.create(lab, ['k1', reference ? 'k2' : 't1']);
    });

    test('no spurious transition, advert gaps below Master_Down_Interval', { timeout: 150_000 }, async () => {
      const node: VrrpNode = rig.router(reference ? 'k2' : 't1');
      const peer = rig.router('k1');
      node.tandemArgs = ['--admin', TANDEM_ADMIN];
      const server = new Agent(lab.spawn(node.ns, process.execPath, [loadAgent, 'serve', '8080']));
      await server.next((e) => e.event === 'listening');
      node.start(conf(150, 100));
      await node.waitState('MASTER', 8000, 'VI_1');
      peer.start(conf(100, 150));
      await peer.waitState('BACKUP', 8000, 'VI_1');
      await node.waitState('BACKUP', 8000, 'VI_2');
      await peer.waitState('MASTER', 8000, 'VI_2');
      await sleep(500);
      const cap = await rig.capture('ip proto 112');
      const from = Date.now() / 1000;
      const masters = (n: VrrpNode): number[] => [
        n.stateCount('MASTER', 'VI_1'),
        n.stateCount('MASTER', 'VI_2'),
      ];
      const atStart = { node: masters(node), peer: masters(peer) };
      const loads = [
        new Agent(
          lab.spawn(rig.client.ns, process.execPath, [
            loadAgent,
            'load',
            `http://${node.address}:8080/x`,
            '90000',
            String(SOAK_MS),
            '4',
            '1000',
          ]),
        ),
      ];
      if (node.impl === 'tandem')
        loads.push(
          new Agent(
            lab.spawn(node.ns, process.execPath, [
              loadAgent,
              'load',
              `http://${TANDEM_ADMIN}/metrics`,
              '20000',
              String(SOAK_MS),
              '2',
              '100',
            ]),
          ),
        );
      const results = await Promise.all(
        loads.map((l) => l.next((e) => e.event === 'done', SOAK_MS + 20_000)),
      );
      const to = Date.now() / 1000;
      await sleep(100);
      const t = timelineOf(await cap.stop());
      for (const r of results) {
        assert.equal(r.errors, 0, `HTTP errors during the soak: ${JSON.stringify(r)}`);
        assert.ok(Number(r.requests) > 1000, `too little load: ${JSON.stringify(r)}`);
      }
      const mdi = masterDownMs(3, 0.01, 100);
      const inWindow = (vrid: number, src: string): number =>
        t.adverts.filter((a) => a.vrid === vrid && a.src === src && a.time >= from && a.time <= to).length;
      // A backup taking over after its master really was silent for Master_Down_Interval is right, not
      // spurious; so each side is judged on its own: as master, no advert gap may reach Master_Down; as
      // backup, it may only advertise after such a gap of the other side's adverts.
      const report: string[] = [];
      const verdicts: (() => void)[] = [];
      const lateCount = new Map<VrrpNode, number>();
      for (const [vrid, master, backup] of [
        [140, node, peer],
        [141, peer, node],
      ] as const) {
        const g = gaps(t, vrid, master.address, from, to);
        const late = stalls(t, vrid, master.address, mdi - 1).filter((s) => s.at >= from && s.at <= to);
        const takeovers = t.adverts.filter(
          (a, i, all) =>
            a.vrid === vrid &&
            a.src === backup.address &&
            a.time >= from &&
            a.time <= to &&
            !all
              .slice(0, i)
              .some((b) => b.vrid === vrid && b.src === backup.address && a.time - b.time < 0.05),
        ).length;
        const max = g[g.length - 1] ?? 0;
        const p999 = g[Math.floor(g.length * 0.999)] ?? 0;
        report.push(
          `VRID ${vrid}: ${master.label} master sent ${g.length + 1} adverts, max gap ${max.toFixed(1)} ms, ` +
            `p99.9 ${p999.toFixed(1)} ms, ${late.length} gaps >= MDI ${mdi.toFixed(1)} ms; ` +
            `${backup.label} backup advertised ${inWindow(vrid, backup.address)} times in ${takeovers} burst(s)`,
        );
        const metric = `${master.impl} master (${results.map((r) => r.requests).join('+')} HTTP requests)`;
        const who = master.impl === 'tandem' ? 'T' : 'K';
        recordFigure({
          scenario: 'v3 10 ms soak 60 s',
          pair: who,
          metric: `${metric}: max advert gap`,
          ms: max,
          theoryMs: 10,
        });
        recordFigure({
          scenario: 'v3 10 ms soak 60 s',
          pair: who,
          metric: `${metric}: 99.9th percentile advert gap`,
          ms: p999,
          theoryMs: 10,
        });
        recordFigure({
          scenario: 'v3 10 ms soak 60 s',
          pair: who,
          metric: `${metric}: gaps >= Master_Down`,
          ms: late.length,
          theoryMs: 0,
        });
        lateCount.set(master, late.length);
        verdicts.push(
          master === node
            ? () => {
                // keepalived, the master of the other VRID in the same run, is the measure of what the
                // host allowed: on a host that could not keep 10 ms timing for keepalived either
                // (measured here with a load average of 8 on 2 cores), Tandem must at least not do
                // worse than keepalived did; on a host that could, it must not stall once.
                const reference = lateCount.get(peer) ?? 0;
                if (reference > 0)
                  process.stdout.write(
                    `# WARNING: keepalived itself missed 10 ms timing ${reference} time(s) on this host\n`,
                  );
                const allowed = reference === 0 ? 0 : 2 * reference;
                assert.ok(late.length <= allowed, `${node.label} stalled as master:\n${report.join('\n')}`);
              }
            : () =>
                assert.ok(
                  takeovers <= late.length,
                  `${node.label} took over ${takeovers} time(s); ${peer.label} was late ${late.length} time(s):\n${report.join('\n')}`,
                ),
        );
      }
      process.stdout.write(`# ${report.join('\n# ')}\n`);
      for (const v of verdicts) v();
      // Where both daemons held their timing, no instance may have changed state at all.
      if (report.every((r) => r.includes(' 0 gaps >= MDI'))) {
        assert.deepEqual(masters(node), atStart.node, `${node.label} changed state:\n${report.join('\n')}`);
        assert.deepEqual(masters(peer), atStart.peer, `${peer.label} changed state:\n${report.join('\n')}`);
      }
      assertNoRejects(node, peer);
    });
  },
);
