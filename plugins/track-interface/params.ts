import type { LinkSource } from './link-source.js';

/**
 * One tracked interface. keepalived has no global interface block: weights come from each
 * instance's `track_interface { IF weight N [reverse] }`; the signal is the raw link state and each
 * instance applies its own weight (`healthTrackEffect`).
 */
export interface InterfaceTrackerParams {
  /** The interface name. */
  readonly name: string;
  /** `interface_up_down_delays { IF DOWN [UP] }`: ms a down (up) must last before it counts. */
  readonly downDelay?: number;
  readonly upDelay?: number;
}

/** The slice of configuration the `tracker.interface` plugin runs from. */
export interface InterfaceTrackerConfig {
  /** The interfaces some instance or sync group tracks (including instances' own interfaces, if wanted). */
  readonly interfaces: readonly InterfaceTrackerParams[];
  /** Where link state comes from; default an `ip -o monitor link` source in the current namespace. */
  readonly linkSource?: LinkSource;
  /**
   * Log keepalived's `Netlink reports IF up|down` for tracked interfaces (default true). Turn off
   * when the link source logs it already (the Linux layer's LinkMonitor does), so it appears once.
   */
  readonly logNetlink?: boolean;
}
