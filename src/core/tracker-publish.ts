import type { PluginContext } from './plugin.js';
import type { Signal, TrackerState } from './signal.js';

/**
 * Publishes a tracker's signal in the kernel's directory (VRRP subscribes there) and mirrors each
 * edge onto the bus as `tracker.changed` for metrics, logs and the dashboard. Returns the
 * unsubscribe function for the bus mirror, to call on stop.
 */
export function publishTracker(
  ctx: Pick<PluginContext, 'trackers' | 'bus'>,
  kind: string,
  name: string,
  signal: Signal<TrackerState>,
): () => void {
  ctx.trackers.publish(kind, name, signal);
  return signal.subscribe((state) => {
    ctx.bus.emit('tracker.changed', { kind, name, state });
  });
}
