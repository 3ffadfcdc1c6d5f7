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
import { timelineOf, type Timeline } from '../../helpers/vrrp-timeline.js';

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
 * is bounded (1000 req/s to the server, 200 req/s to /metrics, 60 s): an unbounded load that pins
 * both cores of a CI machine made keepalived itself flap at 10 ms (measured, keepalived vs keepalived).
 */
describe('soak: v3 at 10 ms for 60 s under HTTP load', { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) }, () => {
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
    const masters = (n: VrrpNode): number[] => [n.stateCount('MASTER', 'VI_1'), n.stateCount('MASTER', 'VI_2')];
    const atStart = { node: masters(node), peer: masters(peer) };
    const loads = [
      new Agent(
        lab.spawn(rig.client.ns, process.execPath, [loadAgent, 'load', `http://${node.address}:8080/x`, '90000', String(SOAK_MS), '4', '1000']),
      ),
    ];
    if (node.impl === 'tandem')
      loads.push(
        new Agent(lab.spawn(node.ns, process.execPath, [loadAgent, 'load', `http://${TANDEM_ADMIN}/metrics`, '20000', String(SOAK_MS), '2', '200'])),
      );
    const results = await Promise.all(loads.map((l) => l.next((e) => e.event === 'done', SOAK_MS + 20_000)));
    const to = Date.now() / 1000;
    await sleep(100);
    const t = timelineOf(await cap.stop());
    for (const r of results) {
      assert.equal(r.errors, 0, `HTTP errors during the soak: ${JSON.stringify(r)}`);
      assert.ok(Number(r.requests) > 1000, `too little load: ${JSON.stringify(r)}`);
    }
    // No transition once the soak started (the election before it may take a couple).
    const transitions = (n: VrrpNode): string => n.lines(/Entering/).join('\n');
    assert.deepEqual(masters(node), atStart.node, `${node.label} transitions:\n${transitions(node)}`);
    assert.deepEqual(masters(peer), atStart.peer, `${peer.label} transitions:\n${transitions(peer)}`);
    assert.equal(node.lastState('VI_1'), 'MASTER');
    assert.equal(node.lastState('VI_2'), 'BACKUP');
    for (const [vrid, master, backup] of [
      [140, node, peer],
      [141, peer, node],
    ] as const) {
      const wrong = t.adverts.filter((a) => a.vrid === vrid && a.time >= from && a.time <= to && a.src !== master.address);
      assert.deepEqual(wrong.map((a) => `${a.time} ${a.src} prio ${a.priority}`), [], `VRID ${vrid}: adverts from ${backup.label}`);
      const g = gaps(t, vrid, master.address, from, to);
      assert.ok(g.length > 0.9 * (to - from) * 100, `${master.label} sent only ${g.length + 1} adverts`);
      const max = g[g.length - 1]!;
      const p999 = g[Math.floor(g.length * 0.999)]!;
      const mdi = masterDownMs(3, 0.01, 100);
      assert.ok(max < mdi, `${master.label} VRID ${vrid}: an advert gap of ${max.toFixed(1)} ms (Master_Down ${mdi.toFixed(1)} ms)`);
      const metric = `${master.impl} master under load (${results.map((r) => r.requests).join('+')} HTTP requests)`;
      recordFigure({ scenario: 'v3 10 ms soak 60 s', pair: master === node ? 'T' : 'K', metric: `${metric}: max advert gap`, ms: max, theoryMs: 10 });
      recordFigure({ scenario: 'v3 10 ms soak 60 s', pair: master === node ? 'T' : 'K', metric: `${metric}: 99.9th percentile advert gap`, ms: p999, theoryMs: 10 });
    }
    assertNoRejects(node, peer);
  });
});
