import type { NetLab } from '../../net/netns-lab.js';
import type { NsProcess } from '../../net/ns-process.js';
import { measureFailover, measureHandover, type FailoverFigures } from './failover.js';
import { LiveView } from './live-view.js';
import { demoVrrp, masterDownIntervalMs, skewTimeMs } from './node-config.js';
import { requestTimeoutMs, startAdvertWatch, startBackend, startClient, startNode } from './processes.js';
import { formatFailover, formatLab } from './report.js';
import { buildTopology, type DemoNode } from './topology.js';

/** How `npm run demo` runs. */
export interface NetDemoOptions {
  /** Requests per second from the client. */
  readonly rate: number;
  /** Keep the lab up after the summary, until Ctrl-C, to explore the dashboards. */
  readonly hold: boolean;
  /** Where the demo prints (stdout). */
  readonly say: (line: string) => void;
}

/** What a finished run measured (also printed). */
export interface NetDemoResult {
  readonly crash: FailoverFigures | undefined;
  readonly sent: number;
  readonly failed: number;
}

/** The client gives up on its own after this long, whatever happens to the demo. */
const clientMaxMs = 45_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const adminUrl = (p: NsProcess): string | undefined => /admin server listening on (\S+)/.exec(p.stderr)?.[1];

/**
 * `npm run demo`: builds the namespaces (a bridge, two Tandem nodes, two backends, a client), sends
 * steady traffic through the VIP, kills the master with kill -9 and measures the failover, brings
 * it back, stops it gracefully and measures the handover. The caller owns the lab and removes it.
 */
export async function runNetDemo(lab: NetLab, opts: NetDemoOptions): Promise<NetDemoResult> {
  const { say } = opts;
  say(
    `Tandem failover demo: two Tandem nodes share a VIP (VRRPv${demoVrrp.version}, adverts every ` +
      `${demoVrrp.advertIntS * 1000} ms); about 20 s`,
  );
  say('Building the network namespaces...');
  const topo = await buildTopology(lab);
  const [lb1, lb2] = topo.nodes;
  await Promise.all(topo.backends.map((b) => startBackend(lab, b)));
  const tcpdump = await startAdvertWatch(lab, topo.client.ns);
  const first = await startNode(lab, lb1, topo.vip, 'MASTER', 1);
  const second = await startNode(lab, lb2, topo.vip, 'BACKUP', 1);
  const mdi = masterDownIntervalMs(lb2.priority);
  const banner = [
    { ...lb1, admin: adminUrl(first) },
    { ...lb2, admin: adminUrl(second) },
  ];
  say('');
  for (const l of formatLab(topo, banner, lab.tmp, opts.rate, requestTimeoutMs)) say(l);
  say('');

  const url = `http://${topo.vip}:${topo.vipPort}/`;
  const client = startClient(lab, topo.client.ns, url, opts.rate, clientMaxMs);
  const view = new LiveView(client, tcpdump, topo, say);
  await waitFor(
    () => view.timeline.totals().ok > 0,
    5000,
    view,
    `no answer through the VIP ${url} within 5 s`,
  );
  say(`Steady traffic through the VIP; ${lb1.name} is master:`);
  view.start();
  await sleep(3000);

  say(`kill -9 ${lb1.name} (pid ${first.pid}); ${lb2.name} takes over once ${lb1.name}'s adverts stop:`);
  const crashAt = Date.now();
  process.kill(first.pid, 'SIGKILL');
  await sleep(2500);
  view.pull();
  const crash = measureFailover(view.timeline, crashAt, lb1.address, lb2.address);
  if (crash === undefined) say(`  no failover seen: ${lb2.name} never answered`);
  else for (const l of formatFailover(crash, lb1.name, lb2.name, mdi)) say(l);

  say(`${lb1.name} restarts and takes the VIP back (priority ${lb1.priority} preempts ${lb2.priority}):`);
  const backAt = Date.now();
  const again = await startNode(lab, lb1, topo.vip, 'MASTER', 2);
  await sleep(2000);
  view.pull();
  const failBack = view.timeline.failedStarted(backAt, Date.now());
  say(`  ${failBack} failed requests while the VIP moved back to ${lb1.name}`);

  say(
    `Graceful stop of ${lb1.name} (SIGTERM): it resigns with priority 0, ${lb2.name} takes over after ` +
      `Skew_Time (${skewTimeMs(lb2.priority).toFixed(1)} ms):`,
  );
  const stopAt = Date.now();
  again.kill('SIGTERM');
  await sleep(2500);
  view.stop();
  client.write('stop\n');
  await waitFor(() => view.clientDone, 3000, view, 'the client did not finish');

  const graceful = measureHandover(view.timeline, stopAt, lb1.address, lb2.address);
  const totals = view.timeline.totals();
  const sent = view.timeline.requests.length;
  const per = (b: string) => totals.byBackend.get(b) ?? 0;
  say('');
  say('Summary');
  say(
    `  requests: ${sent} sent at ${opts.rate}/s, ${totals.ok} answered (web1 ${per('web1')}, ` +
      `web2 ${per('web2')}), ${totals.failed} failed`,
  );
  say(
    crash === undefined
      ? `  crash of ${lb1.name} (kill -9): no failover measured`
      : `  crash of ${lb1.name} (kill -9): failover time ${Math.round(crash.failoverMs)} ms ` +
          `(Master_Down_Interval ${mdi.toFixed(1)} ms), failed requests ${crash.failed}`,
  );
  say(`  fail-back to ${lb1.name} (preemption): failed requests ${failBack}`);
  say(
    graceful === undefined
      ? `  graceful stop of ${lb1.name}: no priority-0 handover seen`
      : `  graceful stop of ${lb1.name}: ${lb2.name} took over ${Math.round(graceful.handoverMs)} ms after the ` +
          `priority-0 advert, failed requests ${graceful.failed}, slowest answer ${Math.round(graceful.slowestMs)} ms`,
  );
  if (opts.hold) await hold(lab, topo.client.ns, url, lb1, say);
  return { crash, sent, failed: totals.failed };
}

/** `--hold`: restarts lb1 so both nodes run, prints how to look around, and waits for Ctrl-C. */
async function hold(
  lab: NetLab,
  clientNs: string,
  url: string,
  lb1: DemoNode,
  say: (line: string) => void,
): Promise<never> {
  const vip = new URL(url).hostname;
  await startNode(lab, lb1, vip, 'MASTER', 3);
  say('');
  say(`The lab stays up (${lb1.name} is master again). Try, in another terminal:`);
  say(`  sudo ip netns exec ${clientNs} curl -s ${url}`);
  say('Press Ctrl-C to remove everything.');
  return new Promise<never>(() => undefined);
}

/** Polls `view` until `ok()` holds; rejects with `what` after `ms`. */
async function waitFor(ok: () => boolean, ms: number, view: LiveView, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    view.pull();
    if (ok()) return;
    if (Date.now() > deadline) throw new Error(what);
    await sleep(20);
  }
}
