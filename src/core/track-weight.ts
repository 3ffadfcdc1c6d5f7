import type { TrackerState } from './signal.js';

/**
 * How a tracker's raw value turns into an effect on a VRRP instance: `health` for script, interface
 * and process trackers (value 1 = OK / link up / quorum held, 0 = not), `file` for `track_file`
 * (the integer read from the file).
 */
export type TrackValueKind = 'health' | 'file';

/** What one tracker does to one tracking instance: force FAULT, or move the priority by `delta`. */
export interface TrackEffect {
  readonly fault: boolean;
  readonly delta: number;
}

/** keepalived clamps a track_file contribution to [-254, 253]; -254 means FAULT (`vrrp_track.c`). */
const FILE_FAULT = -254;
const FILE_MAX = 253;

/**
 * keepalived's effect of a script, interface or process tracker (`vrrp_track.c`
 * `initialise_track_script_state`, `process_if_status_change`, `process_update_track_process_status`):
 * weight 0 faults the instance while the object is down (while it is up with `reverse`); weight w > 0
 * adds w while up, w < 0 subtracts |w| while down; `reverse` negates the change.
 */
export function healthTrackEffect(ok: boolean, weight: number, reverse: boolean): TrackEffect {
  if (weight === 0) return { fault: ok === reverse, delta: 0 };
  const sign = reverse ? -1 : 1;
  if (weight > 0) return { fault: false, delta: ok ? weight * sign : 0 };
  return { fault: false, delta: ok ? 0 : weight * sign };
}

/**
 * keepalived's effect of a `track_file` value (`track_file.c` `update_track_file_status`): weight 0
 * faults on a non-zero value (on zero with `reverse`); otherwise value × weight (× −1 with `reverse`),
 * clamped to [−254, 253], where −254 or below means FAULT.
 */
export function fileTrackEffect(value: number, weight: number, reverse: boolean): TrackEffect {
  if (weight === 0) return { fault: (value !== 0) !== reverse, delta: 0 };
  const raw = value * weight * (reverse ? -1 : 1);
  if (raw <= FILE_FAULT) return { fault: true, delta: 0 };
  return { fault: false, delta: Math.min(raw, FILE_MAX) };
}

/**
 * The state as one tracking reference (an instance with its own weight and `reverse`) sees it:
 * `weight` absent means the reference is unweighted or FAULT-causing, and then `up: false` means
 * FAULT; `weight` present (possibly 0) is the signed priority change in force and `up` the raw health.
 * `value` carries the raw observation. Trackers publish raw states ({@link healthTrackerState},
 * {@link fileTrackerState}); this is for consumers that want a per-reference view.
 */
export function weightedTrackerState(
  kind: TrackValueKind,
  value: number,
  weight: number,
  reverse: boolean,
  reason: string,
): TrackerState {
  const effect =
    kind === 'file'
      ? fileTrackEffect(value, weight, reverse)
      : healthTrackEffect(value !== 0, weight, reverse);
  if (weight === 0 || effect.fault) return { up: !effect.fault, reason, value };
  return { up: kind === 'file' ? true : value !== 0, reason, weight: effect.delta, value };
}

/**
 * The state a script, process or interface tracker publishes: the raw health only (`up` = script
 * succeeding / quorum held / link up, `value` 1 or 0), no weight. Weights are per tracking reference in
 * keepalived (`track_script { chk weight -20 reverse }`, defaulting to the script's own), so the
 * consumer applies them: {@link healthTrackEffect}, or the VRRP engine's own tracker rules.
 */
export function healthTrackerState(ok: boolean, reason: string): TrackerState {
  return { up: ok, reason, value: ok ? 1 : 0 };
}

/**
 * The state a `track_file` publishes. With the file's weight 0: `up` = value is 0 (a consumer with
 * weight 0 faults on `up: false`, on `up: true` with `reverse`), no weight. Otherwise `weight` = value ×
 * weight (× −1 with `reverse`) clamped to [−254, 253], where −254 means FAULT (then `up: false`).
 * `value` is the integer read, for consumers that override the weight ({@link fileTrackEffect}).
 */
export function fileTrackerState(
  value: number,
  weight: number,
  reverse: boolean,
  reason: string,
): TrackerState {
  if (weight === 0) return { up: value === 0, reason, value };
  const effect = fileTrackEffect(value, weight, reverse);
  return { up: !effect.fault, reason, weight: effect.fault ? FILE_FAULT : effect.delta, value };
}

/**
 * The per-reference view ({@link weightedTrackerState}) of a published state, for an instance that
 * tracks it with `weight` and `reverse` (keepalived's `track_script { chk weight -20 reverse }`).
 */
export function reweightTrackerState(
  kind: TrackValueKind,
  state: TrackerState,
  weight: number,
  reverse: boolean,
): TrackerState {
  const value = state.value ?? (state.up ? 1 : 0);
  return weightedTrackerState(kind, value, weight, reverse, state.reason);
}

/** Equality for published tracker states that also notices a changed raw value (track_file). */
export function sameTrackerValue(a: TrackerState, b: TrackerState): boolean {
  return a.up === b.up && a.weight === b.weight && a.value === b.value;
}
