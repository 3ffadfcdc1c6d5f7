/**
 * Effective priority from tracker weights, as keepalived's `vrrp_track.c` computes it: base + Σ
 * contributions clamped to [1, 254]; an address owner (255) never changes; a weight-0 tracker that fails
 * puts the instance in FAULT instead.
 */
import type { TrackerState } from '../../src/index.js';
import type { VrrpTrackerParams } from './params.js';

/**
 * The signed priority change a weighted tracker contributes now: weight > 0 adds while up, weight < 0
 * subtracts while down; `reverse` flips the sign (keepalived `weight_multiplier` −1). A tracker whose state
 * carries its own `weight` (a dynamic tracker such as track_file) contributes that value. Unknown: 0.
 */
export function trackerContribution(t: VrrpTrackerParams, s: TrackerState | undefined): number {
  if (s === undefined || t.weight === 0) return 0;
  if (s.weight !== undefined) return s.weight;
  const mult = t.reverse === true ? -1 : 1;
  if (t.weight > 0) return s.up ? t.weight * mult : 0;
  return s.up ? 0 : t.weight * mult;
}

/** Whether a weight-0 tracker in state `s` holds the instance in FAULT (reverse: fault while up). */
export function trackerFaults(t: VrrpTrackerParams, s: TrackerState | undefined): boolean {
  if (t.weight !== 0 || s === undefined) return false;
  return t.reverse === true ? s.up : !s.up;
}

/** keepalived `vrrp_set_effective_priority`: total clamped to [1, 254]; 255 stays 255. */
export function clampPriority(base: number, total: number): number {
  if (base === 255) return 255;
  if (total < 1) return 1;
  if (total >= 255) return 254;
  return total;
}
