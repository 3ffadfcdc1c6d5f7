import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { WritableSignal, sameTrackerState, type Signal, type TrackerState } from '../core/signal.js';
import { IpCommand } from './ip-command.js';

/** One link as the monitor last saw it. */
export interface LinkState {
  readonly name: string;
  readonly index: number;
  /** IFF_UP: administratively up. */
  readonly adminUp: boolean;
  /** IFF_RUNNING: carrier present (iproute2 prints NO-CARRIER when UP without it). */
  readonly running: boolean;
}

/** Whether a link counts as up for VRRP: keepalived's IF_ISUP, i.e. IFF_UP and IFF_RUNNING. */
export function linkUp(s: LinkState | undefined): boolean {
  return s !== undefined && s.adminUp && s.running;
}

/**
 * Parses one header line of `ip monitor link` / `ip link show` text output, e.g.
 * `2: eth0@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 ... state DOWN ...` or
 * `Deleted 2: eth0@if3: <...>`. (iproute2 6.1 ignores -json for `monitor`, so text it is.)
 */
export function parseLinkLine(line: string): { deleted: boolean; state: LinkState } | undefined {
  const m = /^(Deleted )?(\d+): ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)>/.exec(line);
  if (m === null) return undefined;
  const flags = (m[4] ?? '').split(',');
  return {
    deleted: m[1] !== undefined,
    state: {
      name: m[3] ?? '',
      index: Number(m[2]),
      adminUp: flags.includes('UP'),
      running: flags.includes('UP') && !flags.includes('NO-CARRIER') && flags.includes('LOWER_UP'),
    },
  };
}

function reasonOf(s: LinkState | undefined): string {
  if (s === undefined) return 'interface does not exist';
  if (!s.adminUp) return 'interface is administratively down';
  if (!s.running) return 'interface has no carrier';
  return 'interface is up';
}

/**
 * Link state from netlink events: a long-running `ip monitor link` child (RTNLGRP_LINK), parsed
 * line by line, so a change is seen as soon as the kernel announces it (measured well under
 * 100 ms). Each interface gets an edge-triggered `Signal<TrackerState>`; the monitor logs
 * keepalived's `Netlink reports eth0 down|up`. If the child dies it is restarted and state resynced.
 */
export class LinkMonitor {
  readonly #ip: IpCommand;
  readonly #log: Logger;
  readonly #links = new Map<string, LinkState>();
  readonly #signals = new Map<string, WritableSignal<TrackerState>>();
  #child: ChildProcess | undefined;
  #stopped = false;

  private constructor(ip: IpCommand, log: Logger) {
    this.#ip = ip;
    this.#log = log;
  }

  /** Starts monitoring, then reads the current state of every link. */
  static async start(options: { ip?: IpCommand; log?: Logger } = {}): Promise<LinkMonitor> {
    const m = new LinkMonitor(options.ip ?? new IpCommand(), options.log ?? silentLogger);
    await m.#spawn();
    return m;
  }

  /** The last known state of a link, undefined if it does not exist. */
  state(name: string): LinkState | undefined {
    return this.#links.get(name);
  }

  /** An edge-triggered signal for one interface: fires only when it goes up or down. */
  signal(name: string): Signal<TrackerState> {
    let s = this.#signals.get(name);
    if (s === undefined) {
      const cur = this.#links.get(name);
      s = new WritableSignal<TrackerState>({ up: linkUp(cur), reason: reasonOf(cur) }, sameTrackerState);
      this.#signals.set(name, s);
    }
    return s;
  }

  /** Stops the monitor child. */
  stop(): void {
    this.#stopped = true;
    this.#child?.kill('SIGTERM');
    this.#child = undefined;
  }

  async #spawn(): Promise<void> {
    const child = this.#ip.spawn(['monitor', 'link']);
    this.#child = child;
    if (child.stdout !== null) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = parseLinkLine(line);
        if (parsed !== undefined) this.#update(parsed.state.name, parsed.deleted ? undefined : parsed.state);
      });
    }
    child.on('exit', () => {
      if (this.#stopped || this.#child !== child) return;
      this.#log.warn('link monitor (ip monitor link) exited; restarting');
      setTimeout(() => {
        if (!this.#stopped)
          void this.#spawn().catch((err: unknown) => {
            this.#log.error(`link monitor: ${String(err)}`);
          });
      }, 100);
    });
    await this.#resync();
  }

  async #resync(): Promise<void> {
    const out = await this.#ip.run(['link', 'show']);
    const seen = new Set<string>();
    for (const line of out.split('\n')) {
      const p = parseLinkLine(line);
      if (p === undefined) continue;
      seen.add(p.state.name);
      this.#update(p.state.name, p.state);
    }
    for (const name of [...this.#links.keys()]) if (!seen.has(name)) this.#update(name, undefined);
  }

  #update(name: string, next: LinkState | undefined): void {
    const before = linkUp(this.#links.get(name));
    if (next === undefined) this.#links.delete(name);
    else this.#links.set(name, next);
    const after = linkUp(next);
    const sig = this.#signals.get(name);
    if (sig !== undefined && sig.set({ up: after, reason: reasonOf(next) })) {
      this.#log.info(`Netlink reports ${name} ${after ? 'up' : 'down'}`);
    } else if (sig === undefined && before !== after) {
      this.#log.debug(`Netlink reports ${name} ${after ? 'up' : 'down'}`);
    }
  }
}
