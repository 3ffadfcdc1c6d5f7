/**
 * Shared builders for the VRRP tests: keepalived-like instance params on 198.51.100.0/24 and timing helpers.
 */
import assert from 'node:assert/strict';
import type { VrrpInstanceParams, VrrpParams } from '../../../../plugins/vrrp/params.js';
import { SimLan, type SimRecord, type SimRouter } from '../../../../plugins/vrrp/sim/lan.js';

/** An instance with keepalived defaults (v2, 1 s, VRID 51, VIP 198.51.100.100). */
export function inst(o: Partial<VrrpInstanceParams> & { sourceAddress: string }): VrrpInstanceParams {
  return {
    name: 'VI_1',
    vrid: 51,
    version: 2,
    family: 'ipv4',
    interface: 'eth0',
    priority: 100,
    advertIntMs: 1000,
    preempt: true,
    vips: [{ address: '198.51.100.100', prefixLength: 24 }],
    ...o,
  };
}

/** Params with one instance. */
export function one(o: Partial<VrrpInstanceParams> & { sourceAddress: string }): VrrpParams {
  return { instances: [inst(o)] };
}

/** Asserts two times (ms) equal to within a nanosecond. */
export function assertTime(actual: number | undefined, expected: number, msg?: string): void {
  assert.ok(actual !== undefined, msg ?? `expected a time near ${expected}`);
  assert.ok(Math.abs(actual - expected) < 1e-6, `${msg ?? 'time'}: got ${actual}, expected ${expected}`);
}

/** The time of the first record at or after `t`. */
export function firstAt<T>(
  records: readonly SimRecord<T>[],
  t: number,
  pred: (v: T) => boolean = () => true,
): number | undefined {
  return records.find((r) => r.t >= t - 1e-9 && pred(r.value))?.t;
}

/** The time of the last record before `t`. */
export function lastBefore<T>(
  records: readonly SimRecord<T>[],
  t: number,
  pred: (v: T) => boolean = () => true,
): number | undefined {
  return records.filter((r) => r.t < t && pred(r.value)).at(-1)?.t;
}

/** The times a log line containing `text` was emitted. */
export function logTimes(r: SimRouter, text: string): number[] {
  return r
    .logs()
    .filter((l) => l.value.includes(text))
    .map((l) => l.t);
}

/** Exact v2 Skew_Time in ms: (256 − p)/256 s, in whole µs as keepalived computes it. */
export function skewV2(p: number): number {
  return Math.floor(((256 - p) * 1_000_000) / 256) / 1000;
}

/** Exact Master_Down_Interval in ms for v2 at 1 s: 3 s + Skew_Time. */
export function mdiV2(p: number): number {
  return 3000 + skewV2(p);
}

/**
 * Two routers on a fresh simulated LAN, v3 at 100 ms: A (198.51.100.1, priority 150) started first
 * and MASTER, B (198.51.100.2, 100) started a second later and BACKUP, both settled at 3 s.
 */
export function settledPair(): { lan: SimLan; ra: SimRouter; rb: SimRouter } {
  const lan = new SimLan();
  const ra = lan.add(
    'A',
    one({ sourceAddress: '198.51.100.1', priority: 150, version: 3, advertIntMs: 100 }),
  );
  const rb = lan.add(
    'B',
    one({ sourceAddress: '198.51.100.2', priority: 100, version: 3, advertIntMs: 100 }),
  );
  ra.start();
  lan.runUntil(1000);
  rb.start();
  lan.runUntil(3000);
  assert.equal(ra.stateOf('VI_1'), 'MASTER');
  assert.equal(rb.stateOf('VI_1'), 'BACKUP');
  return { lan, ra, rb };
}
