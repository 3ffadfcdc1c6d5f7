import { appendFileSync } from 'node:fs';
import type { Capture } from './capture.js';
import type { Bridge, NetLab } from './netns.js';
import { implTag, VrrpNode, type Impl } from './vrrp-node.js';

/** The VIP every scenario floats (inside 198.51.100.0/24, design.md §5). */
export const VIP = '198.51.100.100';

/** The four pairings the interop suite runs: first = the higher-priority (master) role. */
export const PAIRS: readonly (readonly [Impl, Impl])[] = [
  ['keepalived', 'keepalived'],
  ['tandem', 'keepalived'],
  ['keepalived', 'tandem'],
  ['tandem', 'tandem'],
];

/** `TK`-style name of a pairing. */
export const pairName = (p: readonly [Impl, Impl]): string => `${implTag(p[0])}${implTag(p[1])}`;

/**
 * The interop topology (vrrp.md §3.3): a bridge in its own namespace, two keepalived routers (k1
 * .11, k2 .12), two Tandem routers (t1 .21, t2 .22) and a client (.50), all on 198.51.100.0/24.
 * A scenario picks two or three routers; the others stay idle. Captures run on the bridge, so every
 * frame (multicast, unicast adverts, ARP) is seen once on one clock.
 */
export class InteropRig {
  readonly lab: NetLab;
  readonly lan: Bridge;
  readonly routers: ReadonlyMap<string, VrrpNode>;
  readonly client: { readonly ns: string; readonly address: string; readonly mac: string };

  private constructor(
    lab: NetLab,
    lan: Bridge,
    routers: Map<string, VrrpNode>,
    client: InteropRig['client'],
  ) {
    this.lab = lab;
    this.lan = lan;
    this.routers = routers;
    this.client = client;
  }

  /** Builds the namespaces. `names` chooses which routers exist (default all four). */
  static async create(lab: NetLab, names: readonly string[] = ['k1', 'k2', 't1', 't2']): Promise<InteropRig> {
    const lan = await lab.addBridge();
    const routers = new Map<string, VrrpNode>();
    const hostPart: Record<string, number> = { k1: 11, k2: 12, k3: 13, t1: 21, t2: 22, t3: 23 };
    for (const name of names) {
      const ns = await lab.addNamespace(name);
      const address = `198.51.100.${hostPart[name] ?? 30 + routers.size}`;
      await lab.attach(ns, 'eth0', lan, [`${address}/24`]);
      const impl: Impl = name.startsWith('t') ? 'tandem' : 'keepalived';
      routers.set(name, new VrrpNode(lab, impl, name, ns, address, await lab.mac(ns, 'eth0')));
    }
    const cns = await lab.addNamespace('c');
    await lab.attach(cns, 'eth0', lan, ['198.51.100.50/24']);
    return new InteropRig(lab, lan, routers, {
      ns: cns,
      address: '198.51.100.50',
      mac: await lab.mac(cns, 'eth0'),
    });
  }

  /** A router by name. */
  router(name: string): VrrpNode {
    const r = this.routers.get(name);
    if (r === undefined) throw new Error(`no router ${name}`);
    return r;
  }

  /** The two routers for a pairing: distinct namespaces, keepalived from k1/k2, Tandem from t1/t2. */
  pair(p: readonly [Impl, Impl]): [VrrpNode, VrrpNode] {
    const first = this.router(p[0] === 'tandem' ? 't1' : 'k1');
    const second = this.router(
      p[1] === 'tandem' ? (p[0] === 'tandem' ? 't2' : 't1') : p[0] === 'keepalived' ? 'k2' : 'k1',
    );
    return [first, second];
  }

  /** Starts tcpdump on the bridge for VRRP and ARP. */
  capture(filter = 'ip proto 112 or arp'): Promise<Capture> {
    return this.lab.capture(this.lan.namespace, this.lan.device, filter);
  }

  /**
   * Ends a scenario: kills what still runs (by pid), then removes `vips` wherever a crashed daemon
   * left them (kill -9 leaves VIPs configured, vrrp.md §3.2), so the next scenario starts clean.
   */
  async reset(vips: readonly string[] = [`${VIP}/24`]): Promise<void> {
    await Promise.all(
      [...this.routers.values()].map(async (r) => {
        try {
          await r.stop(2000);
        } catch {
          // never started
        }
        for (const v of vips)
          await this.lab.ip(r.ns, ['addr', 'del', v, 'dev', 'eth0']).catch(() => undefined);
      }),
    );
    await this.lab.ip(this.client.ns, ['neigh', 'flush', 'dev', 'eth0']).catch(() => undefined);
  }
}

/** One measured figure for the README table (docs/vrrp-interop.md). */
export interface Figure {
  readonly scenario: string;
  /** `TK`: Tandem was the old master, keepalived took over. */
  readonly pair: string;
  readonly metric: string;
  readonly ms: number;
  /** What keepalived's timers say it should be. */
  readonly theoryMs: number;
}

/**
 * Prints a figure as a `# FIGURE {…}` line (visible in the test output) and, when
 * `TANDEM_INTEROP_FIGURES` names a file, appends it there as JSON so a run can be tabulated.
 */
export function recordFigure(f: Figure): void {
  const line = JSON.stringify({ ...f, ms: Number(f.ms.toFixed(1)), theoryMs: Number(f.theoryMs.toFixed(1)) });
  process.stdout.write(`# FIGURE ${line}\n`);
  const file = process.env.TANDEM_INTEROP_FIGURES;
  if (file !== undefined && file !== '') appendFileSync(file, `${line}\n`);
}

/** Lines of keepalived's log that show it rejected a packet (reference/keepalived.md §3 table). */
export const KEEPALIVED_REJECTS =
  /invalid|bad |wrong version|unexpected ip number|not present in MASTER advert|mismatch|too short|Expected (unicast|multicast)/i;

/** Sleeps `ms` (network scenarios only: real daemons, real time). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
