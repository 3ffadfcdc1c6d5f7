/**
 * keepalived.conf keywords keepalived acts on and Tandem's VRRP engine does not (issue 3 audit):
 * `tandem -t` names each one at the keyword with what Tandem does instead, as a Tandem-only warning
 * that leaves the exit code keepalived -t gives; where keepalived itself drops the setting (AH with
 * v3, track_src_ip without a configured source, unicast_fault_no_peer with peers) nothing is said.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixedHost, keepalivedConfigTest } from '../../../src/config/keepalived.js';
import { configTestFixture, FIXTURE_INTERFACES } from './fixtures.js';

const VMAC =
  "Tandem creates no VMAC interface; adverts and gratuitous ARPs carry the interface's own MAC address and the VIPs are added on the interface itself";
const PRIO =
  'no MASTER_PRIORITY_CHANGE / BACKUP_PRIORITY_CHANGE lines are written to the notify FIFO when the effective priority changes';
const AH =
  'Tandem refuses to start or reload with it, as its adverts would be sent and accepted without authentication; use auth_type PASS, or no authentication, on both nodes';
const NO_PEER =
  'keepalived holds an instance without unicast peers in FAULT, Tandem would run it with multicast, so Tandem refuses to start or reload with it; add the unicast_peer block or remove the instance';

const warning = (at: string, keyword: string, instead: string): string =>
  `${at}: warning: ${keyword} is not supported: ${instead} [tandem]`;

describe('keywords Tandem accepts but does not act on (fixtures, exit code as keepalived -t)', () => {
  it('auth_type AH: at the auth_type line, exit 0 as keepalived', () => {
    assert.deepEqual(configTestFixture('auth-ah'), {
      exitCode: 0,
      lines: [warning('auth-ah.conf:5:9', 'auth_type AH', AH)],
    });
  });
  it('auth_type AH on a state MASTER instance: keepalived clears the state, AH stays, so both messages', () => {
    assert.deepEqual(configTestFixture('auth-ah-master'), {
      exitCode: 5,
      lines: [
        'auth-ah-master.conf:1:1: (VI_1) Initial state master is incompatible with AH authentication - clearing',
        warning('auth-ah-master.conf:7:9', 'auth_type AH', AH),
      ],
    });
  });
  it('use_vmac with vmac_xmit_base, and use_vmac NAME MAC with use_vmac_addr', () => {
    assert.deepEqual(configTestFixture('use-vmac'), {
      exitCode: 0,
      lines: [
        warning('use-vmac.conf:4:5', 'use_vmac', VMAC),
        warning('use-vmac.conf:5:5', 'vmac_xmit_base', VMAC),
      ],
    });
    assert.deepEqual(configTestFixture('use-vmac-name-mac'), {
      exitCode: 0,
      lines: [
        warning('use-vmac-name-mac.conf:4:5', 'use_vmac', VMAC),
        warning('use-vmac-name-mac.conf:5:5', 'use_vmac_addr', VMAC),
      ],
    });
  });
  it('track_src_ip with unicast_src_ip names the source address', () => {
    assert.deepEqual(configTestFixture('unicast-options'), {
      exitCode: 0,
      lines: [
        warning(
          'unicast-options.conf:4:5',
          'track_src_ip',
          'the instance does not go to FAULT if 198.51.100.2 is removed from its interface; it keeps advertising',
        ),
      ],
    });
  });
  it('unicast_fault_no_peer without peers: warned, exit 0 (keepalived only logs the FAULT)', () => {
    assert.deepEqual(configTestFixture('unicast-fault-no-peer'), {
      exitCode: 0,
      lines: [warning('unicast-fault-no-peer.conf:6:5', 'unicast_fault_no_peer', NO_PEER)],
    });
  });
  it('vrrp_startup_delay and vrrp_notify_priority_changes in global_defs; instance notify_priority_changes', () => {
    assert.deepEqual(configTestFixture('global-misc'), {
      exitCode: 0,
      lines: [
        warning(
          'global-misc.conf:3:5',
          'vrrp_startup_delay',
          'instances start at once, without waiting 2.5 s',
        ),
        warning('global-misc.conf:9:5', 'vrrp_notify_priority_changes', PRIO),
        warning('global-misc.conf:20:5', 'use_vmac', VMAC),
      ],
    });
    assert.deepEqual(configTestFixture('booleans'), {
      exitCode: 0,
      lines: [warning('booleans.conf:7:5', 'notify_priority_changes', PRIO)],
    });
  });
  it('sync-group notify_priority_changes, use_ipvlan, a VIP use_vmac; silent where keepalived drops the setting', () => {
    assert.deepEqual(configTestFixture('unsupported-keywords'), {
      exitCode: 5,
      lines: [
        warning('unsupported-keywords.conf:7:5', 'notify_priority_changes', PRIO),
        warning(
          'unsupported-keywords.conf:12:5',
          'use_ipvlan',
          "Tandem creates no ipvlan interface; adverts and gratuitous ARPs carry the interface's own MAC address and the VIPs are added on the interface itself",
        ),
        warning(
          'unsupported-keywords.conf:16:35',
          'use_vmac',
          'Tandem creates no VMAC interface; this address is added on its interface itself',
        ),
        // AH with v3: keepalived's own message, and no AH warning (no authentication is used at all).
        'unsupported-keywords.conf:19:1: (VI_2) VRRP version 3 does not support authentication. Ignoring.',
      ],
    });
  });
});

describe('the warnings follow what keepalived keeps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kaunsup-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (body: string): { exitCode: number; lines: readonly string[] } => {
    const f = join(dir, 'k.conf');
    writeFileSync(
      f,
      `vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  198.51.100.10/24\n }\n${body}}\n`,
    );
    const r = keepalivedConfigTest(f, { host: fixedHost(FIXTURE_INTERFACES), configId: 'nodeA' });
    return { exitCode: r.exitCode, lines: r.lines.map((l) => l.split(`${dir}/`).join('')) };
  };
  it('says nothing for the default values (notify_priority_changes off) or no-effect keywords', () => {
    assert.deepEqual(run(' notify_priority_changes off\n track_src_ip\n'), { exitCode: 0, lines: [] });
    const peers = ' unicast_fault_no_peer\n unicast_peer {\n  198.51.100.3\n }\n';
    assert.deepEqual(run(peers), { exitCode: 0, lines: [] });
  });
  it('warns about AH when it survives, at auth_type, even when auth_type comes after auth_pass', () => {
    const r = run(' authentication {\n  auth_pass abc\n  auth_type AH\n }\n');
    assert.deepEqual(r, { exitCode: 0, lines: [warning('k.conf:9:3', 'auth_type AH', AH)] });
  });
  it('track_src_ip with mcast_src_ip written after it', () => {
    const r = run(' track_src_ip\n mcast_src_ip 198.51.100.2\n');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.lines, [
      warning(
        'k.conf:7:2',
        'track_src_ip',
        'the instance does not go to FAULT if 198.51.100.2 is removed from its interface; it keeps advertising',
      ),
    ]);
  });
});
