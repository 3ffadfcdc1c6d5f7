import { NetLab } from '../../net/netns-lab.js';
import type { NsProcess } from '../../net/ns-process.js';
import { measureFailover, type FailoverFigures } from './failover.js';
import { LineFeed } from './line-feed.js';
import { demoVrrp, masterDownIntervalMs, skewTimeMs } from './node-config.js';
import { adminListen, startAdvertWatch, startBackend, startClient, startNode } from './processes.js';
import { formatFailover, formatWindow, windowHeader } from './report.js';
import { parseAdvertLine, parseRequestLine, Timeline } from './timeline.js';
import { buildTopology, type DemoTopology } from './topology.js';

/** How `npm run demo` runs. */
export interface NetDemoOptions {
  /** Requests per second from the client (bounded: the client stops itself after a minute anyway). */
  readonly rate: number;
  /** Where the demo prints (stdout). */
  readonly say: (line: string) => void;
}

/** What a finished run measured (also printed). */
export interface NetDemoResult {
  readonly crash: FailoverFigures | undefined;
  readonly sent: number;
  readonly failed: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Follows the client's and tcpdump's output into the timeline and prints a line per second. */
class LiveView {
  readonly timeline = new Timeline();
  readonly #feeds: { feed: LineFeed; parse: (l: string) => void }[];
  readonly #say: (line: string) => void;
  readonly #names: ReadonlyMap<string, string>;
  readonly #t0 = Date.now();
  #from = this.#t0;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(client: NsProcess, tcpdump: NsProcess, topo: DemoTopology, say: (line: string) => void) {
    this.#say = say;
    this.#names = new Map(topo.nodes.map((n) => [n.address, n.name]));
    this.#feeds = [
      {
        feed: new LineFeed(client),
        parse: (l) => {
          if (l === 'done') this.#done = true;
          const r = parseRequestLine(l);
          if (r !== undefined) this.timeline.requests.push(r);
        },
      },
      {
        feed: new LineFeed(tcpdump),
        parse: (l) => {
          const a = parseAdvertLine(l);
          if (a !== undefined) this.timeline.adverts.push(a);
        },
      },
    ];
  }

  /** Whether the client has printed `done`. */
  get clientDone(): boolean {
    this.pull();
    return this.#done;
  }

  /** Reads whatever the client and tcpdump printed since the last call. */
  pull(): void {
    for (const { feed, parse } of this.#feeds) for (const l of feed.take()) parse(l);
  }

  /** Starts the per-second lines. */
  start(): void {
    this.#say(windowHeader);
    this.#timer = setInterval(() => {
      this.tick();
    }, 1000);
  }

  /** Prints the window up to 100 ms ago (answers that recent may still be on their way in). */
  tick(): void {
    this.pull();
    const to = Date.now() - 100;
    this.#say(formatWindow((to - this.#t0) / 1000, this.timeline.window(this.#from, to), this.#names));
    this.#from = to;
  }

  /** Stops the per-second lines, printing the last partial window. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (Date.now() - 100 > this.#from + 200) this.tick();
  }
}

/**
 * `npm run demo`: builds the namespaces (a bridge, two Tandem nodes, two backends, a client), sends
 * steady traffic through the VIP, kills the master with kill -9 and measures the failover, brings
 * it back, stops it gracefully and measures the handover, then removes everything it created.
 */
export async function runNetDemo(lab: NetLab, opts: NetDemoOptions): Promise<NetDemoResult> {
  const { say } = opts;
  say(
    `Tandem failover demo: two Tandem nodes share a VIP (VRRPv${demoVrrp.version}, adverts every ${demoVrrp.advertIntS * 1000} ms)`,
  );
  say('Building the network namespaces...');
  const topo = await buildTopology(lab);
  const [lb1, lb2] = topo.nodes;
  await Promise.all(topo.backends.map((b) => startBackend(lab, b)));
  const tcpdump = await startAdvertWatch(lab, topo.client.ns);
  const node1 = await startNode(lab, lb1, topo.vip, 'MASTER', 1);
  await startNode(lab, lb2, topo.vip, 'BACKUP', 1);
  const mdi = masterDownIntervalMs(lb2.priority);
  say('');
  say(`  bridge  ${topo.bridge.device} in namespace ${topo.bridge.namespace}`);
  for (const n of topo.nodes)
    say(`  ${n.name}     ${n.address.padEnd(15)} Tandem, priority ${n.priority}, namespace ${n.ns}`);
  for (const b of topo.backends)
    say(
      `  ${b.name}    ${`${b.address}:${b.port}`.padEnd(15)} demo backend (answers with its name), namespace ${b.ns}`,
    );
  say(`  client  ${topo.client.address.padEnd(15)} ${opts.rate} requests/s to http://${topo.vip}/ (the VIP)`);
  say(`  configs ${lab.tmp}/keepalived-lb{1,2}.conf and examples/http-pair/nginx.conf (weights 2:1)`);
  say('  dashboards (inside each node namespace, while the demo runs):');
  for (const n of topo.nodes)
    say(
      `    ${n.name}: ip netns exec ${n.ns} curl -s http://${adminListen}/status   (dashboard: http://${adminListen}/)`,
    );
  say('');

  const url = `http://${topo.vip}:${topo.vipPort}/`;
  const client = startClient(lab, topo.client.ns, url, opts.rate, 45_000);
  const view = new LiveView(client, tcpdump, topo, say);
  await waitFor(
    () => view.timeline.totals().ok > 0,
    5000,
    () => {
      view.pull();
    },
    `no answer through the VIP ${url} within 5 s`,
  );
  say(`Steady traffic through the VIP, ${lb1.name} is master:`);
  view.start();
  await sleep(3000);

  say(`kill -9 ${lb1.name} (pid ${node1.pid}): ${lb2.name} must notice the missing adverts`);
  const crashAt = Date.now();
  process.kill(node1.pid, 'SIGKILL');
  await sleep(2500);
  view.pull();
  const crash = measureFailover(view.timeline, crashAt, lb1.address, lb2.address);
  say(
    crash === undefined
      ? `  no failover seen: ${lb2.name} never answered`
      : formatFailover(crash, lb1.name, lb2.name, mdi).join('\n'),
  );

  say(`${lb1.name} restarts and takes the VIP back (priority ${lb1.priority} preempts ${lb2.priority}):`);
  const node1b = await startNode(lab, lb1, topo.vip, 'MASTER', 2);
  await sleep(2000);

  say(
    `Graceful stop of ${lb1.name} (SIGTERM): it sends priority 0 and ${lb2.name} takes over after Skew_Time (${skewTimeMs(lb2.priority).toFixed(1)} ms):`,
  );
  const stopAt = Date.now();
  node1b.kill('SIGTERM');
  await sleep(2500);
  view.stop();
  client.write('stop\n');
  await waitFor(
    () => view.clientDone,
    3000,
    () => undefined,
    'the client did not finish',
  );
  view.pull();

  const graceful = handover(view.timeline, stopAt, lb1.address, lb2.address);
  const totals = view.timeline.totals();
  const sent = view.timeline.requests.length;
  say('');
  say('Summary');
  say(
    `  requests: ${sent} sent at ${opts.rate}/s, ${totals.ok} answered (web1 ${totals.byBackend.get('web1') ?? 0}, web2 ${totals.byBackend.get('web2') ?? 0}), ${totals.failed} failed`,
  );
  if (crash !== undefined)
    say(
      `  crash of ${lb1.name} (kill -9): failover time ${Math.round(crash.failoverMs)} ms (Master_Down_Interval ${mdi.toFixed(1)} ms), failed requests ${crash.failed}`,
    );
  else say(`  crash of ${lb1.name} (kill -9): no failover measured`);
  if (graceful !== undefined)
    say(
      `  graceful stop of ${lb1.name}: ${lb2.name} took over ${Math.round(graceful.handoverMs)} ms after the priority-0 advert, failed requests ${graceful.failed}, slowest answer ${Math.round(graceful.slowestMs)} ms`,
    );
  else say(`  graceful stop of ${lb1.name}: no priority-0 handover seen`);
  return { crash, sent, failed: totals.failed };
}

/** The graceful handover after `at`: the priority-0 advert, the new master's first advert, failures. */
function handover(
  t: Timeline,
  at: number,
  oldMaster: string,
  newMaster: string,
): { handoverMs: number; failed: number; slowestMs: number } | undefined {
  const zero = t.adverts.find((a) => a.src === oldMaster && a.time >= at && a.priority === 0);
  if (zero === undefined) return undefined;
  const first = t.adverts.find((a) => a.src === newMaster && a.time > zero.time);
  if (first === undefined) return undefined;
  const w = t.window(at, Infinity);
  return { handoverMs: first.time - zero.time, failed: w.failed, slowestMs: w.slowestMs };
}

async function waitFor(ok: () => boolean, ms: number, poll: () => void, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    poll();
    if (ok()) return;
    if (Date.now() > deadline) throw new Error(what);
    await sleep(20);
  }
}
