import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type AddressSpec } from '../../src/net/address-spec.js';
import { IpCommand } from '../../src/net/ip-command.js';
import { KernelConfig } from '../../src/net/kernel-config.js';
import { OwnedState } from '../../src/net/owned-state.js';
import { NetLab } from '../helpers/netns.js';
import { requireRoot } from '../helpers/require-root.js';

interface AddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  scope: string;
  label?: string;
  broadcast?: string;
  nodad?: boolean;
  noprefixroute?: boolean;
}

describe('virtual addresses, routes and rules', { skip: requireRoot() }, () => {
  const lab = NetLab.create('kconf', after);
  let ns: string;
  let ip: IpCommand;

  const addrs = async (): Promise<AddrInfo[]> => {
    const [link] = await ip.json<{ addr_info: AddrInfo[] }>(['addr', 'show', 'dev', 'eth0']);
    return link?.addr_info ?? [];
  };
  const find = async (address: string): Promise<AddrInfo | undefined> =>
    (await addrs()).find((a) => a.local === address);

  before(async () => {
    ns = await lab.addNamespace('n');
    const peer = await lab.addNamespace('p');
    await lab.veth(ns, 'eth0', peer, 'eth0');
    await lab.addAddress(ns, 'eth0', '198.51.100.1/24');
    ip = new IpCommand({ netns: ns });
  });

  test('adds VIPs with prefix, brd, dev, scope and label, IPv6 with nodad, and removes them', async () => {
    const kc = new KernelConfig({ ip });
    const specs: AddressSpec[] = [
      {
        address: '198.51.100.100',
        prefixLength: 24,
        device: 'eth0',
        broadcast: '+',
        scope: 'global',
        label: 'eth0:vip',
      },
      { address: '198.51.100.101', device: 'eth0', scope: 'link' },
      { address: '2001:db8::66', prefixLength: 64, device: 'eth0', noPrefixRoute: true },
    ];
    const out = await kc.addAddresses('VI_1', specs);
    assert.deepEqual(
      out.map((o) => o.result),
      ['done', 'done', 'done'],
    );
    assert.deepEqual(await find('198.51.100.100'), {
      ...(await find('198.51.100.100')),
      prefixlen: 24,
      broadcast: '198.51.100.255',
      scope: 'global',
      label: 'eth0:vip',
    });
    const v101 = await find('198.51.100.101');
    assert.ok(v101);
    assert.equal(v101.prefixlen, 32, 'no /len means /32, as keepalived');
    assert.equal(v101.scope, 'link');
    const v6 = await find('2001:db8::66');
    assert.ok(v6);
    assert.equal(v6.prefixlen, 64);
    assert.equal(v6.nodad, true, 'IPv6 VIPs are added with nodad (keepalived)');
    assert.equal(v6.noprefixroute, true);

    const removed = await kc.removeAddresses(specs);
    assert.deepEqual(
      removed.map((o) => o.result),
      ['done', 'done', 'done'],
    );
    for (const a of ['198.51.100.100', '198.51.100.101', '2001:db8::66'])
      assert.equal(await find(a), undefined);
  });

  test('never touches an address Tandem did not add, even one equal to a VIP', async () => {
    await ip.run(['addr', 'add', '198.51.100.150/24', 'dev', 'eth0']); // the operator's own
    const kc = new KernelConfig({ ip });
    const spec: AddressSpec = { address: '198.51.100.150', prefixLength: 24, device: 'eth0' };
    assert.deepEqual(
      (await kc.addAddresses('VI_1', [spec])).map((o) => o.result),
      ['foreign'],
    );
    assert.deepEqual(
      (await kc.removeAddresses([spec])).map((o) => o.result),
      ['not-owned'],
    );
    assert.deepEqual((await kc.removeOwned()).length, 0);
    assert.ok(await find('198.51.100.150'), 'the foreign address is still there');
    await ip.run(['addr', 'del', '198.51.100.150/24', 'dev', 'eth0']);
  });

  test('virtual_routes and virtual_rules are added and removed (gw means via, no_track dropped)', async () => {
    const kc = new KernelConfig({ ip });
    const routes = [
      ['203.0.113.0/24', 'gw', '198.51.100.254', 'dev', 'eth0', 'table', '100', 'metric', '5', 'no_track'],
    ];
    const rules = [['from', '198.51.100.100', 'table', '100', 'preference', '100']];
    assert.deepEqual(
      (await kc.addRoutes('VI_1', routes)).map((o) => o.result),
      ['done'],
    );
    assert.deepEqual(
      (await kc.addRules('VI_1', rules)).map((o) => o.result),
      ['done'],
    );
    const table = await ip.json<{ dst: string; gateway: string; metric: number }>([
      'route',
      'show',
      'table',
      '100',
    ]);
    assert.deepEqual(
      table.map((r) => [r.dst, r.gateway, r.metric]),
      [['203.0.113.0/24', '198.51.100.254', 5]],
    );
    const ruleList = await ip.json<{ priority: number; src?: string; table: string }>(['rule', 'show']);
    assert.ok(ruleList.some((r) => r.priority === 100 && r.src === '198.51.100.100' && r.table === '100'));
    await kc.removeRules(rules);
    await kc.removeRoutes(routes);
    assert.deepEqual(await ip.json(['route', 'show', 'table', '100']), []);
    assert.ok(!(await ip.json<{ priority: number }>(['rule', 'show'])).some((r) => r.priority === 100));
  });

  test('after a crash the next start removes what the dead run added, and only that', async () => {
    const file = join(lab.tmp, 'owned.json');
    await ip.run(['addr', 'add', '198.51.100.77/24', 'dev', 'eth0']); // foreign, must survive
    const run1 = new KernelConfig({ ip, state: new OwnedState(file) });
    await run1.addAddresses('VI_1', [{ address: '198.51.100.100', prefixLength: 24, device: 'eth0' }]);
    await run1.addAddresses('VI_2', [{ address: '2001:db8::100', prefixLength: 64, device: 'eth0' }]);
    await run1.addRoutes('VI_1', [['203.0.113.0/24', 'via', '198.51.100.254', 'table', '101']]);
    await run1.addRules('VI_1', [['from', '198.51.100.100', 'table', '101', 'preference', '101']]);
    assert.ok(existsSync(file));
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { entries: unknown[] }).entries.length, 4);
    // run1 "crashes" here: nothing removed. A new run reads the same state file.
    const run2 = new KernelConfig({ ip, state: new OwnedState(file) });
    const out = await run2.removeStale();
    assert.deepEqual(
      out.map((o) => [o.kind, o.result]),
      [
        ['rule', 'done'],
        ['route', 'done'],
        ['address', 'done'],
        ['address', 'done'],
      ],
    );
    assert.equal(await find('198.51.100.100'), undefined);
    assert.equal(await find('2001:db8::100'), undefined);
    assert.ok(await find('198.51.100.77'), 'the foreign address is untouched');
    assert.ok(await find('198.51.100.1'), 'the interface address is untouched');
    assert.deepEqual(await ip.json(['route', 'show', 'table', '101']), []);
    assert.deepEqual(new OwnedState(file).entries(), []);
  });

  test("an address removed behind Tandem's back is reported absent and forgotten", async () => {
    const kc = new KernelConfig({ ip });
    const spec: AddressSpec = { address: '198.51.100.120', device: 'eth0' };
    await kc.addAddresses('VI_1', [spec]);
    await ip.run(['addr', 'del', '198.51.100.120/32', 'dev', 'eth0']);
    assert.deepEqual(
      (await kc.removeAddresses([spec])).map((o) => o.result),
      ['absent'],
    );
    assert.deepEqual(kc.state.entries(), []);
  });
});
