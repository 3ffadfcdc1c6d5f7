import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from './agent.js';
import type { NetLab } from './netns.js';
import type { NsProcess } from './ns-process.js';
import { repoRoot } from './paths.js';
import { VIP, type InteropRig } from './vrrp-rig.js';
import type { VrrpNode } from './vrrp-node.js';

const agentsDir = join(repoRoot, 'dist', 'test', 'net', 'agents');

/** The two backends every HA pair balances over (on the same LAN as the routers). */
export const BACKENDS = [
  { name: 'b1', address: '198.51.100.61' },
  { name: 'b2', address: '198.51.100.62' },
] as const;

/** The `http {}` block both nginx and Tandem run: the VIP on port 80 to the two backends. */
export function httpBlock(weights: readonly [number, number] = [1, 1]): string {
  return `http {
  access_log off;
  upstream app {
    server ${BACKENDS[0].address}:8080 weight=${weights[0]};
    server ${BACKENDS[1].address}:8080 weight=${weights[1]};
    keepalive 16;
  }
  server {
    listen ${VIP}:80;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/**
 * One load-balancer host of the pair: a router of the interop rig (keepalived or Tandem) plus, for
 * keepalived, the real nginx beside it (one process, `master_process off`, foreground). Tandem
 * reads the very same keepalived.conf and nginx.conf.
 */
export class HaNode {
  readonly vrrp: VrrpNode;
  #nginx: NsProcess | undefined;
  #nginxConf = '';
  #runs = 0;

  constructor(vrrp: VrrpNode) {
    this.vrrp = vrrp;
    vrrp.vrrpOnly = false;
  }

  get label(): string {
    return this.vrrp.impl === 'tandem' ? `tandem:${this.vrrp.name}` : `keepalived+nginx:${this.vrrp.name}`;
  }

  /** The nginx.conf of the current run (Tandem: passed with --nginx; rewrite, then SIGHUP). */
  get nginxConf(): string {
    return this.#nginxConf;
  }

  /** Starts nginx (keepalived hosts) and the VRRP daemon; resolves once the proxy listens. */
  async start(keepalivedConf: string, http: string): Promise<void> {
    const lab = this.vrrp.lab;
    this.#runs++;
    const dir = join(lab.tmp, `${this.vrrp.name}-nginx-${this.#runs}`);
    this.#nginxConf = `${dir}.conf`;
    if (this.vrrp.impl === 'tandem') {
      writeFileSync(this.#nginxConf, `events {}\n${http}`);
      this.vrrp.tandemArgs = ['--nginx', this.#nginxConf];
      this.vrrp.start(keepalivedConf);
      const deadline = Date.now() + 10_000;
      while (!this.vrrp.pidFilePresent()) {
        if (this.vrrp.process.exit !== undefined || Date.now() > deadline)
          throw new Error(`${this.label} did not start:\n${this.vrrp.log()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return;
    }
    await lab.exec(this.vrrp.ns, 'mkdir', ['-p', dir]);
    writeFileSync(
      this.#nginxConf,
      `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log info;\nevents { worker_connections 1024; }\n${http}`,
    );
    this.#nginx = lab.spawn(this.vrrp.ns, 'nginx', [
      '-p',
      `${dir}/`,
      '-c',
      this.#nginxConf,
      '-e',
      `${dir}/error.log`,
    ]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await lab.exec(this.vrrp.ns, 'test', ['-s', `${dir}/nginx.pid`]);
      if (r.code === 0) break;
      if (this.#nginx.exit !== undefined || Date.now() > deadline)
        throw new Error(`nginx on ${this.vrrp.name} did not start:\n${this.#nginx.stderr}`);
      await new Promise((r2) => setTimeout(r2, 20));
    }
    this.vrrp.start(keepalivedConf);
  }

  /** kill -9 of the load balancer: Tandem's one process, or keepalived and nginx together. */
  crash(): void {
    this.vrrp.crash();
    this.#nginx?.kill('SIGKILL');
  }

  /**
   * The operator's graceful stop. Tandem: SIGTERM. keepalived + nginx, the careful way: SIGTERM to
   * keepalived (priority 0, VIPs removed), then, once it exited, SIGQUIT to nginx (graceful).
   */
  async stop(): Promise<{ code: number | null; signal: string | null }> {
    const exit = await this.vrrp.stop(10_000);
    const nginx = this.#nginx;
    if (nginx !== undefined && nginx.exit === undefined) {
      nginx.kill('SIGQUIT');
      const t = setTimeout(() => nginx.kill('SIGKILL'), 5000);
      await nginx.exited;
      clearTimeout(t);
    }
    return exit;
  }

  /** Kills whatever still runs (by pid). */
  async reset(): Promise<void> {
    try {
      await this.vrrp.stop(2000);
    } catch {
      // never started
    }
    await this.#nginx?.stop(1000);
  }
}

/** Per-client figures of one load run (see test/net/agents/ha-client.ts). */
export interface LoadResult {
  readonly requests: number;
  readonly failures: number;
  readonly clients: readonly {
    readonly requests: number;
    readonly failures: number;
    readonly maxStallMs: number;
    readonly retries: number;
    readonly errors: Readonly<Record<string, number>>;
  }[];
  /** [issued, ended, ok (1/0), client] in ms since the epoch. */
  readonly samples: readonly (readonly [number, number, number, number])[];
}

/** The longest stall over every client. */
export const maxStall = (r: LoadResult): number => Math.max(0, ...r.clients.map((c) => c.maxStallMs));

/** A request this slow was not served by a live path: it waited for a TCP retransmission (1 s). */
const STALLED_MS = 200;

/**
 * How long after `t` (a crash) service resumed: the end of the first successful request issued once
 * the outage was visible, minus `t`. The outage is visible at the end of the first failure after
 * `t`, or at the issue of the first request after `t` that stalled (a SYN to a VIP that is nowhere
 * waits for its retransmission and then succeeds: not a failure, but not service either). Requests
 * answered around the crash instant do not count as the resumption. No failure nor stall: 0.
 */
export function resumeAfter(r: LoadResult, t: number): number | undefined {
  const outage = r.samples
    .filter((s) => s[1] >= t && (s[2] === 0 || (s[0] >= t && s[1] - s[0] > STALLED_MS)))
    .map((s) => (s[2] === 0 ? s[1] : s[0]));
  if (outage.length === 0) return 0;
  const seen = Math.min(...outage);
  const ok = r.samples.filter((s) => s[2] === 1 && s[0] >= seen).sort((a, b) => a[1] - b[1]);
  return ok[0] === undefined ? undefined : ok[0][1] - t;
}

/** A running load: resolves with the result once the client agent is done. */
export interface Load {
  readonly done: Promise<LoadResult>;
}

/**
 * Starts the HA client agent in the rig's client namespace: `rate` requests/s to the VIP for
 * `durationMs`, spread over `clients` keep-alive clients, each request with `deadlineMs`.
 */
export async function startLoad(
  rig: InteropRig,
  o: { rate?: number; durationMs: number; clients?: number; deadlineMs?: number },
): Promise<Load> {
  const p = rig.lab.spawn(rig.client.ns, process.execPath, [
    join(agentsDir, 'ha-client.js'),
    `http://${VIP}/`,
    String(o.rate ?? 200),
    String(o.durationMs),
    String(o.clients ?? 4),
    String(o.deadlineMs ?? 2000),
  ]);
  const agent = new Agent(p);
  await agent.next((e) => e.event === 'started', 10_000);
  return {
    done: agent.next((e) => e.event === 'done', o.durationMs + 30_000) as unknown as Promise<LoadResult>,
  };
}

/** Starts the two backends (the HTTP server of the load agent) in their own namespaces. */
export async function startBackends(rig: InteropRig, lab: NetLab): Promise<void> {
  for (const b of BACKENDS) {
    const ns = await lab.addNamespace(b.name);
    await lab.attach(ns, 'eth0', rig.lan, [`${b.address}/24`]);
    const p = lab.spawn(ns, process.execPath, [join(agentsDir, 'http-load.js'), 'serve', '8080']);
    await p.waitForOutput(/listening/, 10_000);
  }
}

/**
 * Watches VRRP adverts from the client namespace (the VRRP socket agent), so a crash can be timed
 * right after the master's advert: the outage then lasts the whole Master_Down_Interval for every
 * implementation, instead of a random part of one advert interval less (up to 20 requests at
 * 200/s), and failure counts of two pairs compare.
 */
export class AdvertWatch {
  readonly #proc: NsProcess;

  private constructor(proc: NsProcess) {
    this.#proc = proc;
  }

  static async start(rig: InteropRig): Promise<AdvertWatch> {
    const p = rig.lab.spawn(rig.client.ns, process.execPath, [
      join(agentsDir, 'vrrp-agent.js'),
      JSON.stringify({ family: 'ipv4', interface: 'eth0' }),
    ]);
    await p.waitForOutput(/"event":"ready"/, 10_000);
    return new AdvertWatch(p);
  }

  /**
   * Resolves as soon as the next advert from `src` arrives (checked every millisecond: a busy wait
   * would take the CPU the load client needs on a small host).
   */
  async next(src: string, timeoutMs = 2000): Promise<void> {
    const from = this.#proc.stdout.length;
    const needle = `"src":"${src}"`;
    const deadline = Date.now() + timeoutMs;
    while (!this.#proc.stdout.includes(needle, from)) {
      if (Date.now() > deadline) throw new Error(`no advert from ${src} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}
