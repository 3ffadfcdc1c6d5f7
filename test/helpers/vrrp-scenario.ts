import assert from 'node:assert/strict';
import { keepalivedConf, type InstanceConf } from './vrrp-conf.js';
import type { VrrpNode } from './vrrp-node.js';
import { KEEPALIVED_REJECTS, VIP } from './vrrp-rig.js';
import type { Timeline } from './vrrp-timeline.js';

/** A single-instance v3 (or v2) configuration with the suite's VIP; `extra` overrides any field. */
export function instanceConf(vrid: number, priority: number, extra: Partial<InstanceConf> = {}): string {
  return keepalivedConf({
    instances: [{ vrid, priority, version: 3, advertInt: 0.1, vips: [`${VIP}/24`], ...extra }],
  });
}

/**
 * Brings up a settled pair: `master` alone first (it takes over after its own Master_Down_Interval),
 * then `backup`, which must settle in BACKUP. Starting one after the other keeps the roles certain
 * whatever each daemon's start-up time (Node loads in ~0.3 s, keepalived in a few ms).
 */
export async function startSettled(
  master: VrrpNode,
  masterConf: string,
  backup: VrrpNode,
  backupConf: string,
  timeoutMs = 8000,
): Promise<void> {
  master.start(masterConf);
  await master.waitState('MASTER', timeoutMs);
  backup.start(backupConf);
  await backup.waitState('BACKUP', timeoutMs);
}

/** What every advert a node sent must look like (vrrp.md §1.1-1.4, scenario 1 of §3.3). */
export interface WireExpectation {
  readonly vrid: number;
  readonly version: 2 | 3;
  /** v2 seconds, v3 centiseconds. */
  readonly interval: number;
  /** The destination: 224.0.0.18 or the unicast peer(s). */
  readonly dst: readonly string[];
  readonly vips?: readonly string[];
  /** v2 auth type (0 none, 1 PASS). */
  readonly authType?: number;
}

/** Asserts that every advert `node` sent is well formed and checksummed in keepalived's form. */
export function assertWire(t: Timeline, node: VrrpNode, e: WireExpectation): number {
  const mine = t.adverts.filter((a) => a.src === node.address && a.vrid === e.vrid);
  assert.ok(mine.length > 0, `${node.label} sent no advert for VRID ${e.vrid}`);
  for (const a of mine) {
    const where = `${node.label} advert at ${a.time.toFixed(6)}`;
    assert.equal(a.version, e.version, `${where}: version`);
    assert.equal(a.type, 1, `${where}: type`);
    assert.equal(a.ttl, 255, `${where}: TTL`);
    assert.equal(a.tos, 0xc0, `${where}: TOS`);
    assert.ok(e.dst.includes(a.dst), `${where}: destination ${a.dst}`);
    assert.equal(a.interval, e.interval, `${where}: interval`);
    assert.deepEqual(a.vips, e.vips ?? [VIP], `${where}: addresses`);
    assert.equal(a.count, (e.vips ?? [VIP]).length, `${where}: count`);
    if (e.version === 2) assert.equal(a.authType, e.authType ?? 0, `${where}: auth type`);
    assert.ok(a.checksumOk, `${where}: checksum`);
    assert.equal(a.srcMac, node.mac, `${where}: Ethernet source`);
  }
  return mine.length;
}

/**
 * Asserts that no node logged a rejected packet (keepalived's `vrrp_check_packet` lines, which
 * Tandem logs identically): every advert each side sent was accepted by the other.
 */
export function assertNoRejects(...nodes: VrrpNode[]): void {
  for (const n of nodes) {
    const bad = n.lines(KEEPALIVED_REJECTS);
    assert.deepEqual(bad, [], `${n.label} rejected packets:\n${bad.join('\n')}`);
  }
}

/** Asserts the VIP is on `holder` only, among `nodes`. */
export async function assertVipOn(
  holder: VrrpNode | undefined,
  nodes: readonly VrrpNode[],
  vip = VIP,
): Promise<void> {
  for (const n of nodes)
    assert.equal(
      await n.hasVip(vip),
      n === holder,
      `${vip} ${n === holder ? 'missing on' : 'still on'} ${n.label}`,
    );
}

/** Asserts `value` lies in [lo, hi] with a message naming the scenario (and `context`, e.g. the adverts around). */
export function assertBand(what: string, value: number, lo: number, hi: number, context = ''): void {
  assert.ok(
    value >= lo && value <= hi,
    `${what}: ${value.toFixed(1)} ms outside [${lo.toFixed(1)}, ${hi.toFixed(1)}] ms${context === '' ? '' : `\n${context}`}`,
  );
}
