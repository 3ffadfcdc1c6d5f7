import type { Signal, TrackerState } from '../../src/index.js';

/**
 * Where the interface tracker learns link state. `up` is keepalived's `FLAGS_UP`: IFF_UP and
 * IFF_RUNNING both set (administratively up and carrier present); a deleted interface reports
 * false. The Linux layer's netlink LinkMonitor is adapted to this by the daemon; the `ip monitor`
 * source below serves tests and hosts without it.
 */
export interface LinkSource {
  /** The current state, undefined when the interface is unknown. */
  get(ifname: string): boolean | undefined;
  /** Calls `fn` on every change of the interface's state; returns the unsubscribe function. */
  subscribe(ifname: string, fn: (up: boolean) => void): () => void;
  /** Resolves once the initial state of every interface is known (optional). */
  ready?(): Promise<void>;
  /** Releases what the source holds (optional). */
  close?(): void;
}

/** What {@link signalLinkSource} adapts: a monitor with a state lookup and a signal per interface. */
export interface SignalLinkMonitor {
  /** Whether the link is up (IFF_UP and IFF_RUNNING); undefined when it does not exist. */
  isUp(ifname: string): boolean | undefined;
  signal(ifname: string): Signal<TrackerState>;
}

/**
 * Adapts a monitor that exposes one edge-triggered signal per interface (the Linux layer's
 * LinkMonitor: `isUp: (n) => m.state(n) === undefined ? undefined : linkUp(m.state(n))`) to a
 * {@link LinkSource}.
 */
export function signalLinkSource(monitor: SignalLinkMonitor): LinkSource {
  return {
    get: (ifname) => monitor.isUp(ifname),
    subscribe: (ifname, fn) =>
      monitor.signal(ifname).subscribe((state) => {
        fn(state.up);
      }),
  };
}

/** One parsed `ip -o link` / `ip -o monitor link` line. */
export interface LinkLine {
  readonly ifname: string;
  readonly up: boolean;
  readonly deleted: boolean;
}

/**
 * Parses one line of `ip -o link show` or `ip -o monitor link`: `[Deleted ]N: NAME[@PEER]: <FLAGS>`.
 * iproute2 hides IFF_RUNNING and prints NO-CARRIER for an up interface without it, so
 * FLAGS_UP = `UP` present and `NO-CARRIER` absent.
 */
export function parseLinkLine(line: string): LinkLine | undefined {
  const m = /^(Deleted )?\d+: ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)>/.exec(line.trim());
  if (m === null) return undefined;
  const flags = (m[3] ?? '').split(',');
  const deleted = m[1] !== undefined;
  return {
    ifname: m[2] ?? '',
    up: !deleted && flags.includes('UP') && !flags.includes('NO-CARRIER'),
    deleted,
  };
}
