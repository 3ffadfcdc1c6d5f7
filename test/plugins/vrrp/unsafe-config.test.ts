/**
 * The VRRP service refuses to start (or reload) with settings its engine does not implement and
 * whose stand-in would be unsafe: `auth_type AH` (adverts without authentication) and
 * `unicast_fault_no_peer` without peers (a VIP taken where keepalived holds FAULT). `tandem -t`
 * only warns about them (test/config/keepalived/unsupported.test.ts); the refusal happens before
 * any socket or address is touched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeepalivedConfig, PluginContext } from '../../../src/index.js';
import { TandemError } from '../../../src/index.js';
import { refuseUnsafeConfig, unsafeInstances } from '../../../plugins/vrrp/service/unsafe-config.js';
import { VrrpService } from '../../../plugins/vrrp/service/vrrp-service.js';
import { FIXTURE_DIR, loadFixture } from '../../config/keepalived/fixtures.js';

function model(name: string): KeepalivedConfig {
  const m = loadFixture(name).model;
  assert.ok(m, `${name} has a model`);
  return m;
}

const AH =
  'auth_type AH is not supported: Tandem refuses to start or reload with it, as its adverts would be sent and accepted without authentication; use auth_type PASS, or no authentication, on both nodes';

describe('VRRP refuses unsafe stand-ins', () => {
  it('lists an AH instance at its vrrp_instance line, also when keepalived turned MASTER into BACKUP', () => {
    assert.deepEqual(unsafeInstances(model('auth-ah')), [`${FIXTURE_DIR}/auth-ah.conf:1:1: (VI_1) ${AH}`]);
    assert.deepEqual(unsafeInstances(model('auth-ah-master')), [
      `${FIXTURE_DIR}/auth-ah-master.conf:1:1: (VI_1) ${AH}`,
    ]);
  });
  it('lists unicast_fault_no_peer only without peers', () => {
    assert.deepEqual(
      unsafeInstances(model('unicast-fault-no-peer')).map((l) => l.split(`${FIXTURE_DIR}/`).join('')),
      [
        'unicast-fault-no-peer.conf:2:1: (VI_1) unicast_fault_no_peer is not supported: keepalived holds an instance without unicast peers in FAULT, Tandem would run it with multicast, so Tandem refuses to start or reload with it; add the unicast_peer block or remove the instance',
      ],
    );
    assert.deepEqual(unsafeInstances(model('unicast-options')), []);
  });
  it('accepts PASS, no authentication, AH dropped by keepalived (v3) and the other warned keywords', () => {
    for (const name of ['classic-master', 'auth-v3', 'use-vmac', 'global-misc', 'unsupported-keywords'])
      assert.doesNotThrow(() => {
        refuseUnsafeConfig(model(name), 'start');
      }, name);
  });
  it('a reload with AH keeps the running configuration, and says so', () => {
    assert.throws(
      () => {
        refuseUnsafeConfig(model('auth-ah'), 'reload');
      },
      (err: unknown) =>
        err instanceof TandemError &&
        err.code === 'TANDEM_ERR_CONFIG_UNSAFE' &&
        err.message.startsWith('reload refused, the running configuration is kept:\n') &&
        err.message.includes(`auth-ah.conf:1:1: (VI_1) ${AH}`),
    );
  });
  it('VrrpService.start rejects before opening anything', async () => {
    // The context is never read: the refusal comes first (a real one would open raw sockets).
    const service = new VrrpService({} as PluginContext, model('auth-ah'));
    await assert.rejects(
      service.start(),
      (err: unknown) =>
        err instanceof TandemError &&
        err.code === 'TANDEM_ERR_CONFIG_UNSAFE' &&
        err.message.startsWith('not starting VRRP:\n'),
    );
    assert.equal(service.machine, undefined);
  });
});
