import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertDocumentationAddress } from './documentation-addresses.js';
import { NsProcess } from './ns-process.js';

/** The result of a short command run to completion inside a namespace. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A bridge living in its own namespace (never on the host), to which namespaces are attached. */
export interface Bridge {
  readonly namespace: string;
  readonly device: string;
}

/** Something that registers a teardown: node:test's `after`, or `t.after` bound to a test context. */
export type AfterHook = (fn: () => Promise<void>) => void;

const live = new Set<NetLab>();
let handlersInstalled = false;

/**
 * Interrupts and normal exits still clean up (issue 2 item 8): on `exit` the labs are torn down
 * synchronously; on SIGINT/SIGTERM/SIGHUP too, after which the signal is re-raised so the exit
 * status stays honest. A SIGKILLed runner is covered by the stale sweep in {@link NetLab.create}.
 */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const lab of live) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of live) lab.destroySync();
      process.kill(process.pid, sig);
    });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills every process inside a namespace and deletes it; errors (already gone) are ignored. */
function removeNamespaceSync(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout;
  for (const p of pids.split(/\s+/).filter((s) => s !== '')) {
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      // gone
    }
  }
  spawnSync('ip', ['netns', 'del', ns]);
}

/** Names of every network namespace on the host. */
export function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/**
 * A set of network namespaces for one test file (or one `npm run demo`), named `<prefix>-<pid>-<name>` so parallel files and
 * parallel runs never collide, and torn down by name and pid whatever happens to the test.
 */
export class NetLab {
  readonly prefix: string;
  readonly tmp: string;
  readonly #namespaces: string[] = [];
  readonly #processes: NsProcess[] = [];
  #veths = 0;
  #destroyed = false;

  /** Use {@link NetLab.create}, which also sweeps stale namespaces and installs the cleanup handlers. */
  constructor(prefix: string) {
    this.prefix = prefix;
    this.tmp = mkdtempSync(join(tmpdir(), `tandem-${prefix}-`));
  }

  /**
   * Starts a lab. `prefix` is unique per test file (lowercase letters and digits, at most 8);
   * namespaces left by an earlier crashed run with this prefix (their pid is dead) are removed first.
   * `after` registers teardown with node:test; exit and signal handlers are installed as well.
   */
  static create<T extends NetLab>(this: new (prefix: string) => T, prefix: string, after?: AfterHook): T {
    if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) throw new Error(`bad lab prefix ${prefix}`);
    for (const ns of listNamespaces()) {
      const m = /^([a-z0-9]+)-(\d+)-/.exec(ns);
      if (m?.[1] === prefix && !pidAlive(Number(m[2]))) removeNamespaceSync(ns);
    }
    const lab = new this(prefix);
    live.add(lab);
    installExitHandlers();
    after?.(() => lab.destroy());
    return lab;
  }

  /** The namespaces this lab created and has not yet removed. */
  get namespaces(): readonly string[] {
    return this.#namespaces;
  }

  /** The pids of every process this lab started. */
  get pids(): readonly number[] {
    return this.#processes.map((p) => p.pid);
  }

  /** Creates a namespace with loopback up; returns its full name. */
  async addNamespace(name: string): Promise<string> {
    const ns = `${this.prefix}-${process.pid}-${name}`;
    this.#namespaces.push(ns);
    await this.host('ip', ['netns', 'add', ns]);
    await this.ip(ns, ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Creates a namespace holding bridge `br0` (multicast snooping off so VRRP groups are flooded). */
  async addBridge(name = 'lan'): Promise<Bridge> {
    const ns = await this.addNamespace(name);
    await this.ip(ns, ['link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    await this.ip(ns, ['link', 'set', 'br0', 'up']);
    return { namespace: ns, device: 'br0' };
  }

  /**
   * Attaches `ns` to the bridge through a veth whose inner end is `ifname`, brings it up and adds
   * `addresses` (CIDR, only from the documentation ranges). Returns the bridge port name.
   */
  async attach(
    ns: string,
    ifname: string,
    bridge: Bridge,
    addresses: readonly string[] = [],
  ): Promise<string> {
    const port = `p${++this.#veths}`;
    await this.veth(ns, ifname, bridge.namespace, port);
    await this.ip(bridge.namespace, ['link', 'set', port, 'master', bridge.device]);
    for (const a of addresses) await this.addAddress(ns, ifname, a);
    return port;
  }

  /** Creates a veth pair directly inside the two namespaces (no host-side names to collide) and brings both ends up. */
  async veth(nsA: string, ifA: string, nsB: string, ifB: string): Promise<void> {
    await this.host('ip', [
      'link',
      'add',
      ifA,
      'netns',
      nsA,
      'type',
      'veth',
      'peer',
      'name',
      ifB,
      'netns',
      nsB,
    ]);
    await this.ip(nsA, ['link', 'set', ifA, 'up']);
    await this.ip(nsB, ['link', 'set', ifB, 'up']);
  }

  /** Adds an address (refusing anything outside 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32). */
  async addAddress(ns: string, ifname: string, cidr: string): Promise<void> {
    assertDocumentationAddress(cidr);
    const extra = cidr.includes(':') ? ['nodad'] : [];
    await this.ip(ns, ['addr', 'add', cidr, 'dev', ifname, ...extra]);
  }

  /** The MAC address of an interface. */
  async mac(ns: string, ifname: string): Promise<string> {
    const out = await this.ip(ns, ['-json', 'link', 'show', 'dev', ifname]);
    const [link] = JSON.parse(out) as { address: string }[];
    if (link === undefined) throw new Error(`no ${ifname} in ${ns}`);
    return link.address;
  }

  /** Runs `ip -n ns ...args` and returns stdout; rejects with stderr on failure. */
  async ip(ns: string, args: readonly string[]): Promise<string> {
    return this.host('ip', ['-n', ns, ...args]);
  }

  /** Runs a short command inside `ns` to completion. */
  exec(ns: string, cmd: string, args: readonly string[] = [], timeoutMs = 10_000): Promise<ExecResult> {
    return new Promise((resolve) => {
      execFile('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Starts a long-running process inside `ns`; the lab kills it by pid at teardown. */
  spawn(ns: string, cmd: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): NsProcess {
    const p = new NsProcess(ns, cmd, args, env);
    this.#processes.push(p);
    return p;
  }

  /** Tears everything down: SIGTERM then SIGKILL for each process, then removes the namespaces. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await Promise.all(this.#processes.map((p) => p.stop(500)));
    this.destroySync();
  }

  /** The synchronous teardown used by exit handlers: SIGKILL by pid, kill whatever is left inside, delete. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    for (const p of this.#processes) p.kill('SIGKILL');
    for (const ns of this.#namespaces.reverse()) removeNamespaceSync(ns);
    this.#namespaces.length = 0;
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private host(cmd: string, args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(cmd, args, (err, stdout, stderr) => {
        if (err === null) resolve(stdout);
        else reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      });
    });
  }
}
