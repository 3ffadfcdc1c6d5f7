import {
  IpCommand,
  LinkMonitor,
  linkUp,
  type Logger,
  type Signal,
  type TrackerState,
} from '../../src/index.js';

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

/**
 * A {@link LinkSource} over the daemon's netlink monitor (src/net `LinkMonitor`, `ip monitor link`),
 * optionally inside a network namespace (tests). The monitor logs keepalived's `Netlink reports`
 * lines itself, so the tracker should not log them again.
 */
export async function monitorLinkSource(options: { netns?: string; log?: Logger } = {}): Promise<LinkSource> {
  const monitor = await LinkMonitor.start({
    ip: new IpCommand(options.netns === undefined ? {} : { netns: options.netns }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  return {
    ...signalLinkSource({
      isUp: (name) => {
        const state = monitor.state(name);
        return state === undefined ? undefined : linkUp(state);
      },
      signal: (name) => monitor.signal(name),
    }),
    close: () => {
      monitor.stop();
    },
  };
}
