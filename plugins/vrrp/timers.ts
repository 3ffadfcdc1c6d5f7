/**
 * VRRP timer arithmetic in integer microseconds, exactly as keepalived computes it (`vrrp.h`
 * `VRRP_TIMER_SKEW_CALC`, `VRRP_MS_DOWN_TIMER`), so takeover instants match to the microsecond.
 */

/** Microseconds per centisecond (keepalived `TIMER_CENTI_HZ`). */
const CENTI_US = 10_000;

/**
 * Skew_Time for `prioVal` (256 − priority, or 1 for keepalived's `SKEW_MIN`): v2 `(256−p)/256` s regardless of
 * the interval; v3 `(256−p) × MAI / 256` with MAI in whole centiseconds, as `× 625 / 16` µs.
 */
export function skewCalcUs(version: 2 | 3, prioVal: number, masterAdverIntUs: number): number {
  if (version === 3) return Math.floor((prioVal * Math.floor(masterAdverIntUs / CENTI_US) * 625) / 16);
  return Math.floor((prioVal * 1_000_000) / 256);
}

/** Skew_Time for an effective priority. */
export function skewUs(version: 2 | 3, priority: number, masterAdverIntUs: number): number {
  return skewCalcUs(version, 256 - priority, masterAdverIntUs);
}

/** Master_Down_Interval = `down_timer_adverts` (3) × Master_Adver_Interval + Skew_Time. */
export function masterDownUs(
  version: 2 | 3,
  priority: number,
  masterAdverIntUs: number,
  downTimerAdverts = 3,
): number {
  return downTimerAdverts * masterAdverIntUs + skewUs(version, priority, masterAdverIntUs);
}

/**
 * The advertisement interval actually used, in µs, from a configured interval in ms: v2 whole seconds
 * 1-255 (keepalived rounds), v3 centiseconds 1-4095.
 */
export function adverIntUs(version: 2 | 3, advertIntMs: number): number {
  if (version === 2) return Math.min(255, Math.max(1, Math.round(advertIntMs / 1000))) * 1_000_000;
  return Math.min(4095, Math.max(1, Math.round(advertIntMs / 10))) * CENTI_US;
}

/** The interval field of an advert for an interval in µs: seconds (v2) or centiseconds (v3). */
export function advertIntField(version: 2 | 3, intervalUs: number): number {
  return version === 2 ? Math.round(intervalUs / 1_000_000) : Math.round(intervalUs / CENTI_US);
}

/** The interval in µs carried by a received advert's field. */
export function fieldToUs(version: 2 | 3, field: number): number {
  return version === 2 ? field * 1_000_000 : field * CENTI_US;
}

/** µs → the millisecond numbers a {@link Clock} uses. */
export function usToMs(us: number): number {
  return us / 1000;
}
