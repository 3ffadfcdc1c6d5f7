import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetLab } from './netns.js';
import type { NsProcess, ProcessExit } from './ns-process.js';
import { cliPath } from './paths.js';

/** Which daemon runs a router: the real keepalived 2.2 or Tandem. */
export type Impl = 'keepalived' | 'tandem';

/** The one-letter tag of an implementation in pair names (`TK` = Tandem first, keepalived second). */
export const implTag = (i: Impl): string => (i === 'tandem' ? 'T' : 'K');

/** A VRRP state as both daemons log it (`(VI_1) Entering MASTER STATE`). */
export type LoggedState = 'MASTER' | 'BACKUP' | 'FAULT';

/**
 * One router namespace and the daemon that runs in it: keepalived (`-n -l -D -P`, private pid files,
 * vrrp.md §3.1) or Tandem (`node dist/src/cli/main.js -f CONF -P -n -l -D -p PIDFILE`). Both read the
 * same keepalived.conf and log the same `(VI_1) Entering … STATE` lines, which is what the scenarios
 * wait on; timing comes from the capture, never from these lines.
 */
export class VrrpNode {
  readonly lab: NetLab;
  readonly impl: Impl;
  readonly name: string;
  readonly ns: string;
  /** The interface's primary IPv4 address (the advert source). */
  readonly address: string;
  readonly mac: string;
  /** Extra command-line arguments for Tandem (e.g. `--admin`). */
  tandemArgs: readonly string[] = [];
  /** Run Tandem with `-P` (VRRP only); false for the HA pair tests, which proxy too. */
  vrrpOnly = true;
  #proc: NsProcess | undefined;
  #runs = 0;

  constructor(lab: NetLab, impl: Impl, name: string, ns: string, address: string, mac: string) {
    this.lab = lab;
    this.impl = impl;
    this.name = name;
    this.ns = ns;
    this.address = address;
    this.mac = mac;
  }

  /** `keepalived:k1`-style label for messages. */
  get label(): string {
    return `${this.impl}:${this.name}`;
  }

  /** The running (or last) daemon process. */
  get process(): NsProcess {
    if (this.#proc === undefined) throw new Error(`${this.label} was never started`);
    return this.#proc;
  }

  #pidFile(kind: string): string {
    return join(this.lab.tmp, `${this.name}-${this.#runs}-${kind}.pid`);
  }

  /** Writes `conf` and starts the daemon; a previous run must have ended. */
  start(conf: string): void {
    if (this.#proc !== undefined && this.#proc.exit === undefined)
      throw new Error(`${this.label} is running`);
    this.#runs++;
    const file = join(this.lab.tmp, `${this.name}-${this.#runs}.conf`);
    writeFileSync(file, conf);
    if (this.impl === 'keepalived') {
      this.#proc = this.lab.spawn(this.ns, 'keepalived', [
        ...['-n', '-l', '-D', '-P', '-f', file],
        ...['-p', this.#pidFile('main'), '-r', this.#pidFile('vrrp'), '-c', this.#pidFile('chk')],
      ]);
    } else {
      this.#proc = this.lab.spawn(this.ns, process.execPath, [
        cliPath,
        ...['-f', file, ...(this.vrrpOnly ? ['-P'] : []), '-n', '-l', '-D', '-p', this.#pidFile('main')],
        ...this.tandemArgs,
      ]);
    }
  }

  /** The current run's keepalived.conf (rewrite it, then SIGHUP, to reload). */
  get confFile(): string {
    return join(this.lab.tmp, `${this.name}-${this.#runs}.conf`);
  }

  /** Whether the current run's pid file exists (written once the daemon is up). */
  pidFilePresent(): boolean {
    return existsSync(this.#pidFile('main'));
  }

  /** Everything the current run logged (keepalived prints on stdout, Tandem on stderr). */
  log(): string {
    return this.#proc === undefined ? '' : this.#proc.stdout + this.#proc.stderr;
  }

  /** The state the current run last logged entering for `instance`, if any. */
  lastState(instance = 'VI_1'): LoggedState | undefined {
    const re = new RegExp(`\\(${instance}\\) Entering (MASTER|BACKUP|FAULT) STATE`, 'g');
    let last: LoggedState | undefined;
    for (const m of this.log().matchAll(re)) last = m[1] as LoggedState;
    return last;
  }

  /** Waits until the current run's latest state line for `instance` is `state` (and seen `nth` times). */
  async waitState(state: LoggedState, timeoutMs = 10_000, instance = 'VI_1', nth = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.lastState(instance) === state && this.stateCount(state, instance) >= nth) return;
      if (this.#proc?.exit !== undefined)
        throw new Error(
          `${this.label} exited (${JSON.stringify(this.#proc.exit)}) before ${state}:\n${this.log()}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `${this.label}: no '(${instance}) Entering ${state} STATE' within ${timeoutMs} ms:\n${this.log()}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits until the current run has logged a line matching `re` at least `nth` times. */
  async waitFor(re: RegExp, timeoutMs = 10_000, nth = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines(re).length < nth) {
      if (this.#proc?.exit !== undefined)
        throw new Error(`${this.label} exited (${JSON.stringify(this.#proc.exit)}) before ${String(re)}`);
      if (Date.now() > deadline) throw new Error(`${this.label}: no ${String(re)} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** How many times the current run entered `state` (init included). */
  stateCount(state: LoggedState, instance = 'VI_1'): number {
    return this.log()
      .split('\n')
      .filter((l) => l.includes(`(${instance}) Entering ${state} STATE`)).length;
  }

  /**
   * kill -9. For keepalived the parent and the VRRP child die together, else the parent respawns
   * the child (vrrp.md §3.1); Tandem is one process. The keepalived parent is frozen first: killed
   * first, its death would send the child its parent-death SIGTERM, and the child would shut down
   * gracefully (priority 0) before its own SIGKILL landed.
   */
  crash(): void {
    const signal = (pid: number, sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    const parent = this.process.pid;
    if (this.impl !== 'keepalived') {
      signal(parent, 'SIGKILL');
      return;
    }
    signal(parent, 'SIGSTOP');
    try {
      signal(Number(readFileSync(this.#pidFile('vrrp'), 'utf8').trim()), 'SIGKILL');
    } catch {
      // no child yet
    }
    signal(parent, 'SIGKILL');
  }

  /** Graceful stop (SIGTERM: priority-0 advert, VIPs removed); resolves with the exit. */
  async stop(timeoutMs = 5000): Promise<ProcessExit> {
    return this.process.stop(timeoutMs);
  }

  /** The IPv4 addresses on the interface (VIPs included). */
  async addresses(ifname = 'eth0'): Promise<string[]> {
    const out = await this.lab.ip(this.ns, ['-json', '-4', 'addr', 'show', 'dev', ifname]);
    const [link] = JSON.parse(out) as { addr_info: { local: string }[] }[];
    return (link?.addr_info ?? []).map((a) => a.local);
  }

  /** Whether `vip` is configured on the interface. */
  async hasVip(vip: string, ifname = 'eth0'): Promise<boolean> {
    return (await this.addresses(ifname)).includes(vip);
  }

  /** The log lines of the current run matching `re`. */
  lines(re: RegExp): string[] {
    return this.log()
      .split('\n')
      .filter((l) => re.test(l));
  }
}
