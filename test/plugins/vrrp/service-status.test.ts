/**
 * What `/status` shows for a VRRP instance (plugins/vrrp/service/status.ts): a MASTER names itself
 * as the master, with its effective priority; a BACKUP names the master it follows. The engine keeps
 * the last remote master (keepalived's master_saddr, kept stale in the data dump), so the status
 * must not show a former peer as master of a node that took over (seen in `npm run demo`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixedHost } from '../../../src/config/adapt/keepalived/host.js';
import { loadKeepalivedConfig } from '../../../src/config/keepalived.js';
import { vrrpStatusOf } from '../../../plugins/vrrp/service/status.js';
import { SimLan } from '../../../plugins/vrrp/sim/lan.js';
import { one, settledPair } from './sim/helpers.js';

const A = '198.51.100.1';
const B = '198.51.100.2';

describe('VRRP status: who is master', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-status-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'keepalived.conf');
  writeFileSync(
    file,
    'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  priority 100\n  virtual_ipaddress {\n    198.51.100.100\n  }\n}\n',
  );
  const model = loadKeepalivedConfig(file, { host: fixedHost(['eth0']) }).model;

  it('after a takeover the new MASTER shows itself; the returning BACKUP shows the MASTER', () => {
    assert.ok(model !== undefined);
    const { lan, ra, rb } = settledPair();
    const backup = vrrpStatusOf(rb.machine.state, model, new Map())[0];
    assert.equal(backup?.state, 'BACKUP');
    assert.equal(backup.masterAddress, A);
    assert.equal(backup.masterPriority, 150);

    ra.machine.shutdown();
    lan.runUntil(5000);
    const master = vrrpStatusOf(rb.machine.state, model, new Map())[0];
    assert.equal(master?.state, 'MASTER');
    assert.equal(master.masterAddress, B);
    assert.equal(master.masterPriority, 100);
  });
});

describe('VRRP status: trackers of a sync group member', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-status-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the member's own trackers and its group's (which fault it too), each once", () => {
    const file = join(dir, 'keepalived.conf');
    writeFileSync(
      file,
      `vrrp_script chk {
  script "/bin/true"
}
vrrp_sync_group G1 {
  group {
    VI_1
  }
  track_interface {
    eth1
  }
  track_script {
    chk
  }
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  priority 100
  track_script {
    chk
  }
  virtual_ipaddress {
    198.51.100.100
  }
}
`,
    );
    const model = loadKeepalivedConfig(file, { host: fixedHost(['eth0', 'eth1']) }).model;
    assert.ok(model !== undefined);
    const lan = new SimLan();
    const node = lan.add('A', one({ sourceAddress: A, priority: 100, version: 3, advertIntMs: 100 }));
    const status = vrrpStatusOf(node.machine.state, model, new Map())[0];
    assert.deepEqual(
      status?.trackers.map((t) => `${t.kind} ${t.name}`),
      ['script chk', 'interface eth1'],
    );
  });
});
