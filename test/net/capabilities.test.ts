import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkCapabilities, missingCapabilities, parseCapEff } from '../../src/net/capabilities.js';
import { NetLab } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { requireRoot } from '../helpers/require-root.js';

const capsAgent = join(repoRoot, 'dist', 'test', 'net', 'agents', 'caps-agent.js');

describe('capability check (text)', () => {
  test('reads CapEff and names what is missing', () => {
    const eff = parseCapEff('Name:\tnode\nCapEff:\t000001fffeffcfff\n');
    assert.equal(eff, 0x1fffeffcfffn);
    assert.deepEqual(missingCapabilities(eff, ['CAP_NET_RAW', 'CAP_NET_ADMIN']), [
      'CAP_NET_RAW',
      'CAP_NET_ADMIN',
    ]);
    assert.deepEqual(missingCapabilities(0x3000n, ['CAP_NET_RAW', 'CAP_NET_ADMIN']), []);
    assert.throws(
      () => {
        checkCapabilities(['CAP_NET_RAW', 'CAP_NET_ADMIN'], 'CapEff:\t0000000000001000\n');
      },
      {
        code: 'TANDEM_ERR_PRIVILEGE',
        message:
          'missing capability CAP_NET_RAW (needed for raw VRRP sockets (IP protocol 112), gratuitous ARP and unsolicited neighbour adverts); run as root or grant it (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)',
      },
    );
  });
});

describe(
  'capability check (a real process without the capabilities)',
  { skip: requireRoot(['setpriv']) },
  () => {
    const lab = NetLab.create('caps', after);
    let ns: string;

    before(async () => {
      ns = await lab.addNamespace('n');
      const peer = await lab.addNamespace('p');
      await lab.veth(ns, 'eth0', peer, 'eth0');
      await lab.addAddress(ns, 'eth0', '198.51.100.1/24');
    });

    const run = async (
      ...setpriv: string[]
    ): Promise<{
      check: { code: string; message: string } | null;
      socket: { code: string; message: string } | null;
    }> => {
      const r = await lab.exec(ns, 'setpriv', [...setpriv, process.execPath, capsAgent, 'eth0']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as never;
    };

    test('without CAP_NET_RAW and CAP_NET_ADMIN: one clear error naming both; the socket names CAP_NET_RAW', async () => {
      const r = await run('--bounding-set', '-net_raw,-net_admin');
      assert.equal(r.check?.code, 'TANDEM_ERR_PRIVILEGE');
      assert.match(
        r.check.message,
        /^missing capability CAP_NET_RAW \(needed for .*\) and CAP_NET_ADMIN \(needed for .*\); run as root/,
      );
      assert.equal(r.socket?.code, 'TANDEM_ERR_PRIVILEGE');
      assert.match(r.socket.message, /^missing capability CAP_NET_RAW: cannot open a raw VRRP socket/);
    });

    test('without only CAP_NET_ADMIN: the error names only it', async () => {
      const r = await run('--bounding-set', '-net_admin');
      assert.match(r.check!.message, /^missing capability CAP_NET_ADMIN \(/);
      assert.equal(r.socket, null, 'a raw socket needs only CAP_NET_RAW');
    });

    test('with both: no error', async () => {
      const r = await run('--bounding-set', '+all');
      assert.deepEqual(r, { check: null, socket: null });
    });
  },
);
