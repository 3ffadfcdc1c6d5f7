import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  AdvertWatch,
  HaNode,
  httpBlock,
  maxStall,
  resumeAfter,
  startBackends,
  startLoad,
  type LoadResult,
} from '../../helpers/ha-pair.js';
import type { Capture } from '../../helpers/capture.js';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { masterDownMs } from '../../helpers/vrrp-conf.js';
import { InteropRig, sleep, VIP } from '../../helpers/vrrp-rig.js';
import { instanceConf } from '../../helpers/vrrp-scenario.js';
import { timelineOf } from '../../helpers/vrrp-timeline.js';

/**
 * The HA load-balancer pair end to end (issue 11, "Tests (network layer)"): two load-balancer hosts
 * (keepalived.conf + nginx.conf), a client namespace and two backends on one LAN, HTTP to the VIP at
 * 200 requests/s from four keep-alive clients, each request with a 2 s deadline. Tandem pairs are
 * measured beside keepalived + nginx pairs in the same run; both figures are printed as
 * `# FIGURE {...}` lines. v3 at 100 ms adverts: Master_Down_Interval 360.9 ms for the priority-100
 * backup, so the whole file runs in about a minute.
 */

const ADVERT_S = 0.1;
const MDI = masterDownMs(3, ADVERT_S, 100);
const LOAD_MS = 3000;
/** When, after the load starts, the scenario acts on the master. */
const ACT_AT_MS = 1000;

interface Figures {
  failures: number;
  maxStallMs: number;
  resumeMs?: number;
}

/** With HO_DEBUG set: the failed requests (ms after `t0`) and the daemons' logs, to see why. */
function debug(r: LoadResult, t0: number, ...logs: string[]): void {
  if (process.env.HO_DEBUG === undefined) return;
  const rel = (x: readonly number[]) => [Math.round((x[0] ?? 0) - t0), Math.round((x[1] ?? 0) - t0)];
  const bad = r.samples.filter((x) => x[2] === 0).map(rel);
  const slow = [...r.samples]
    .sort((a, b) => b[1] - b[0] - (a[1] - a[0]))
    .slice(0, 5)
    .map(rel);
  process.stdout.write(
    `DEBUG failed ${JSON.stringify(bad)} slowest ${JSON.stringify(slow)}\n${logs.join('\n')}\n`,
  );
}

function figure(scenario: string, pair: string, r: LoadResult, extra: Record<string, number> = {}): void {
  const errors: Record<string, number> = {};
  for (const c of r.clients) for (const [k, v] of Object.entries(c.errors)) errors[k] = (errors[k] ?? 0) + v;
  const line = {
    scenario,
    pair,
    requests: r.requests,
    failures: r.failures,
    retried: r.clients.reduce((n, c) => n + c.retries, 0),
    maxStallMs: Number(maxStall(r).toFixed(1)),
    ...extra,
    errors,
  };
  process.stdout.write(`# FIGURE ${JSON.stringify(line)}\n`);
}

describe(
  'HA pair end to end: crash, graceful stop, reload, bad config, mixed pair',
  { skip: requireRoot(['keepalived', 'nginx', 'tcpdump', 'arping']) },
  () => {
    const lab = NetLab.create('hopair', after);
    let rig: InteropRig;
    let adverts: AdvertWatch;
    const nodes = new Map<string, HaNode>();
    const measured = new Map<string, Figures>();
    const node = (name: string): HaNode => {
      const n = nodes.get(name);
      if (n === undefined) throw new Error(`no node ${name}`);
      return n;
    };

    before(async () => {
      rig = await InteropRig.create(lab);
      for (const [name, r] of rig.routers) {
        // Listeners on the VIP before it is there (another helper makes this unnecessary later).
        await lab.exec(r.ns, 'sysctl', ['-qw', 'net.ipv4.ip_nonlocal_bind=1']);
        nodes.set(name, new HaNode(r));
      }
      await startBackends(rig, lab);
      adverts = await AdvertWatch.start(rig);
    });

    /** Debug: every ARP frame about the VIP and each first advert of a sender, ms after `t0`, by router name. */
    const arpLines = async (cap: Capture | undefined, t0: number): Promise<string> => {
      if (cap === undefined) return '';
      const byMac = new Map([...rig.routers.values()].map((r) => [r.mac, r.name]));
      byMac.set(rig.client.mac, 'client');
      const t = timelineOf(await cap.stop());
      const at = (s: number): string => (s * 1000 - t0).toFixed(1);
      const firstAdverts = [...new Set(t.adverts.filter((a) => a.time * 1000 >= t0).map((a) => a.src))].map(
        (src) =>
          `ADVERT ${at(t.adverts.find((a) => a.src === src && a.time * 1000 >= t0)?.time ?? 0)} first from ${src}`,
      );
      const arps = t.arps
        .filter((a) => a.senderIp === VIP || a.targetIp === VIP)
        .map(
          (a) =>
            `ARP ${at(a.time)} op${a.op} from ${byMac.get(a.senderMac) ?? a.senderMac} ${a.senderIp} -> ${a.targetIp}`,
        );
      return [...firstAdverts, ...arps].join('\n');
    };

    const reset = async (): Promise<void> => {
      await Promise.all([...nodes.values()].map((n) => n.reset()));
      await rig.reset();
    };

    /** Starts `master` (priority 150) alone, then `backup` (100); both serve the same nginx config. */
    const startPair = async (master: HaNode, backup: HaNode, vrid: number): Promise<void> => {
      await master.start(instanceConf(vrid, 150), httpBlock());
      await master.vrrp.waitState('MASTER', 10_000);
      await backup.start(instanceConf(vrid, 100), httpBlock());
      await backup.vrrp.waitState('BACKUP', 10_000);
      await sleep(300);
    };

    const crash = async (pair: string, m: string, b: string, vrid: number): Promise<Figures> => {
      const master = node(m);
      const backup = node(b);
      try {
        const arps = process.env.HO_DEBUG === undefined ? undefined : await rig.capture();
        await startPair(master, backup, vrid);
        const load = await startLoad(rig, { durationMs: LOAD_MS });
        await sleep(ACT_AT_MS);
        await adverts.next(master.vrrp.address);
        const killAt = Date.now();
        master.crash();
        await backup.vrrp.waitState('MASTER', 5000);
        const r = await load.done;
        const resume = resumeAfter(r, killAt);
        assert.ok(resume !== undefined, `${pair}: no request succeeded after the crash`);
        figure('kill -9 of the master', pair, r, { resumeMs: Number(resume.toFixed(1)), theoryMs: MDI });
        debug(r, killAt, await arpLines(arps, killAt), master.vrrp.log(), backup.vrrp.log());
        return { failures: r.failures, maxStallMs: maxStall(r), resumeMs: resume };
      } finally {
        await reset();
      }
    };

    const graceful = async (pair: string, m: string, b: string, vrid: number): Promise<LoadResult> => {
      const master = node(m);
      const backup = node(b);
      try {
        const arps = process.env.HO_DEBUG === undefined ? undefined : await rig.capture();
        await startPair(master, backup, vrid);
        const load = await startLoad(rig, { durationMs: LOAD_MS });
        await sleep(ACT_AT_MS);
        const stopAt = Date.now();
        const exit = await master.stop();
        const exitAt = Date.now();
        assert.deepEqual(exit, { code: 0, signal: null }, `${master.label} exit`);
        await backup.vrrp.waitState('MASTER', 5000);
        const r = await load.done;
        figure('graceful stop of the master', pair, r);
        debug(
          r,
          stopAt,
          `exit after ${exitAt - stopAt} ms`,
          await arpLines(arps, stopAt),
          master.vrrp.log(),
          backup.vrrp.log(),
        );
        return r;
      } finally {
        await reset();
      }
    };

    test('keepalived + nginx pair: kill -9 of the master (reference figures)', async () => {
      const f = await crash('KK', 'k1', 'k2', 71);
      measured.set('KK crash', f);
    });

    test('Tandem pair: kill -9 of the master, service resumes within Master_Down_Interval + 100 ms', async () => {
      const f = await crash('TT', 't1', 't2', 72);
      measured.set('TT crash', f);
      assert.ok(
        f.resumeMs !== undefined && f.resumeMs <= MDI + 100,
        `service resumed ${f.resumeMs?.toFixed(1)} ms after the crash (Master_Down_Interval ${MDI.toFixed(1)} + 100)`,
      );
    });

    // keepalived + nginx fail every request of the Master_Down_Interval: the dead master's kernel
    // keeps the VIP and refuses each connection. A dead Tandem's `ip` session deletes the VIPs as the
    // process dies (ip-batch-session.ts), so those connections are retried by the client's TCP and
    // land on the new master: the count compared here is the one the issue asks for.
    test("Tandem's failed requests in a crash are no more than keepalived + nginx's", () => {
      const [tt, kk] = [measured.get('TT crash'), measured.get('KK crash')];
      assert.ok(tt !== undefined && kk !== undefined, 'the crash figures are missing');
      assert.ok(
        tt.failures <= kk.failures,
        `Tandem failed ${tt.failures} requests, keepalived + nginx ${kk.failures}`,
      );
    });

    test('keepalived + nginx pair: graceful stop of the master (reference figures)', async () => {
      const r = await graceful('KK', 'k1', 'k2', 73);
      measured.set('KK graceful', { failures: r.failures, maxStallMs: maxStall(r) });
    });

    test('Tandem pair: graceful stop of the master, zero failed requests, no client stalled > 300 ms', async () => {
      const r = await graceful('TT', 't1', 't2', 74);
      assert.equal(r.failures, 0, `failed requests: ${JSON.stringify(r.clients.map((c) => c.errors))}`);
      assert.ok(maxStall(r) <= 300, `a client stalled ${maxStall(r).toFixed(1)} ms`);
      const kk = measured.get('KK graceful');
      assert.ok(kk !== undefined, 'the keepalived + nginx graceful figures are missing');
      assert.ok(r.failures <= kk.failures);
    });

    test('Tandem pair: reload of both nodes under load (weights and priorities change), zero failed requests, no VRRP transition', async () => {
      const [t1, t2] = [node('t1'), node('t2')];
      try {
        await startPair(t1, t2, 75);
        const cap = await rig.capture('ip proto 112');
        const load = await startLoad(rig, { durationMs: LOAD_MS });
        await sleep(ACT_AT_MS);
        const hupAt = Date.now();
        writeFileSync(t1.vrrp.confFile, instanceConf(75, 160));
        writeFileSync(t2.vrrp.confFile, instanceConf(75, 110));
        for (const n of [t1, t2]) {
          writeFileSync(n.nginxConf, `events {}\n${httpBlock([3, 1])}`);
          n.vrrp.process.kill('SIGHUP');
        }
        for (const n of [t1, t2]) await n.vrrp.process.waitForOutput(/Reload finished/, 5000);
        const r = await load.done;
        const t = timelineOf(await cap.stop());
        figure('reload of both nodes under load', 'TT', r);
        debug(r, hupAt, t1.vrrp.log(), t2.vrrp.log());
        assert.equal(r.failures, 0, `failed requests: ${JSON.stringify(r.clients.map((c) => c.errors))}`);
        assert.equal(t1.vrrp.stateCount('MASTER'), 1, 'the master entered MASTER once');
        assert.equal(t1.vrrp.stateCount('BACKUP'), 1, 'the master never went back to BACKUP (init only)');
        assert.equal(t2.vrrp.stateCount('MASTER'), 0, 'the backup never became master');
        assert.equal(t2.vrrp.stateCount('BACKUP'), 1, 'the backup stayed BACKUP (init only)');
        const prios = new Set(t.adverts.filter((a) => a.src === t1.vrrp.address).map((a) => a.priority));
        assert.ok(prios.has(160), 'the master advertises its new priority');
        assert.ok(!prios.has(0), 'no priority-0 advert');
        assert.ok(await t1.vrrp.hasVip(VIP), 'the master kept the VIP');
      } finally {
        await reset();
      }
    });

    test('Tandem pair: a bad config on reload keeps the running one serving', async () => {
      const [t1, t2] = [node('t1'), node('t2')];
      try {
        await startPair(t1, t2, 76);
        const load = await startLoad(rig, { durationMs: LOAD_MS });
        await sleep(ACT_AT_MS);
        const hupAt = Date.now();
        const good = readFileSync(t1.nginxConf, 'utf8');
        for (const n of [t1, t2]) {
          writeFileSync(n.nginxConf, `${good}\nhttp { upstream broken { server ; }\n`);
          n.vrrp.process.kill('SIGHUP');
        }
        for (const n of [t1, t2])
          await n.vrrp.process.waitForOutput(/keeping the running configuration/, 5000);
        const r = await load.done;
        figure('bad config on reload', 'TT', r);
        debug(r, hupAt, t1.vrrp.log(), t2.vrrp.log());
        assert.equal(r.failures, 0, `failed requests: ${JSON.stringify(r.clients.map((c) => c.errors))}`);
        assert.match(t1.vrrp.log(), /nginx.*:\d+:\d+: /, 'the error is located (file:line:col)');
        assert.equal(t1.vrrp.stateCount('MASTER'), 1);
        assert.equal(t2.vrrp.stateCount('MASTER'), 0);
      } finally {
        await reset();
      }
    });

    test('mixed pair (keepalived + nginx, Tandem) serves the VIP through a failover both ways', async () => {
      const [k1, t2] = [node('k1'), node('t2')];
      try {
        await startPair(k1, t2, 77);
        const load = await startLoad(rig, { durationMs: 5000 });
        await sleep(ACT_AT_MS);
        // keepalived + nginx -> Tandem: the keepalived host is stopped.
        const stopAt = Date.now();
        await k1.stop();
        await t2.vrrp.waitState('MASTER', 5000);
        const tookOver = Date.now();
        await sleep(800);
        // Tandem -> keepalived + nginx: the keepalived host returns and preempts (priority 150).
        await k1.start(instanceConf(77, 150), httpBlock());
        await k1.vrrp.waitState('MASTER', 5000);
        await t2.vrrp.waitState('BACKUP', 5000, 'VI_1', 2);
        const back = Date.now();
        const r = await load.done;
        figure('mixed pair, failover both ways', 'KT', r);
        debug(r, stopAt, `took over at ${tookOver - stopAt}, back at ${back - stopAt}`, t2.vrrp.log());
        const okWhile = (from: number, to: number) =>
          r.samples.filter((x) => x[0] >= from && x[0] < to && x[2] === 1).length;
        const lastIssue = Math.max(...r.samples.map((x) => x[0]));
        assert.ok(okWhile(tookOver + 100, tookOver + 700) > 50, 'Tandem served the VIP');
        // Everything issued once keepalived + nginx is back (and its GARP is out) succeeds.
        const tail = r.samples.filter((x) => x[0] >= back + 200);
        assert.ok(
          tail.length > 20,
          `too few requests after the failback (${tail.length}); ends ${lastIssue - back} ms after it`,
        );
        assert.deepEqual(tail.filter((x) => x[2] === 0).length, 0, 'keepalived + nginx served the VIP again');
        assert.ok(!(await t2.vrrp.hasVip(VIP)), 'Tandem released the VIP');
      } finally {
        await reset();
      }
    });
  },
);
