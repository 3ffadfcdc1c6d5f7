import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { NetLab } from '../helpers/netns.js';
import type { NsProcess } from '../helpers/ns-process.js';
import { cliPath } from '../helpers/paths.js';
import { requireRoot } from '../helpers/require-root.js';

// Issue 7: "An interface taken down and up inside a namespace moves the instance to FAULT and back",
// and "VRRP instances and sync groups apply [the trackers]" — proved on the real daemon (-P, VRRP
// only): keepalived.conf → model → engine → the instance's state, its log lines and its VIP on eth0.

const lab = NetLab.create('tatrk', after);
const VIP1 = '198.51.100.100';
const VIP2 = '198.51.100.101';

let runs = 0;

/** Starts `tandem -P` (VRRP only) in `ns` with `conf`; stopped by pid when the test ends. */
function tandem(t: TestContext, ns: string, conf: string, args: readonly string[] = []): NsProcess {
  const file = join(lab.tmp, `keepalived-${++runs}.conf`);
  writeFileSync(file, conf);
  const p = lab.spawn(ns, process.execPath, [cliPath, '-P', '-n', '-l', '-f', file, ...args]);
  t.after(() => p.stop(3000));
  return p;
}

/** Waits until `p` has logged `re` at least `count` times. */
const logged = (p: NsProcess, re: RegExp, count = 1, ms = 10_000): Promise<string> =>
  p.waitForOutput(re, ms, count);

/** The `(NAME) Entering X STATE` transitions `p` logged, in order. */
function states(p: NsProcess, name: string): string[] {
  const re = new RegExp(`\\(${name}\\) Entering (\\w+) STATE`, 'g');
  return [...p.stderr.matchAll(re)].map((m) => m[1] ?? '');
}

/** One vrrp_instance on eth0 (v3, 100 ms adverts so the down timer is short). */
function instance(name: string, vrid: number, priority: number, vip: string, extra = ''): string {
  return `vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  version 3
  priority ${priority}
  advert_int 0.1
  virtual_ipaddress {
    ${vip}/24
  }
${extra}}
`;
}

const entering = (name: string, state: string): RegExp => new RegExp(`\\(${name}\\) Entering ${state} STATE`);

describe('trackers drive the daemon: FAULT and priority', { skip: requireRoot(['curl']) }, () => {
  let node = '';

  /** Whether `addr` is on eth0 in the node namespace (the VIP a MASTER holds). */
  const hasVip = async (addr: string): Promise<boolean> =>
    (await lab.ip(node, ['-o', 'addr', 'show', 'dev', 'eth0'])).includes(` ${addr}/`);
  /** Polls (the address change follows the state's log line) until `addr` is on eth0 or not, as `want`. */
  const vip = async (addr: string, want: boolean, ms = 2000): Promise<void> => {
    const deadline = Date.now() + ms;
    while ((await hasVip(addr)) !== want) {
      if (Date.now() > deadline) assert.fail(`${addr} ${want ? 'missing from' : 'still on'} eth0`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const link = (ifname: string, state: 'up' | 'down') => lab.ip(node, ['link', 'set', ifname, state]);

  before(async () => {
    node = await lab.addNamespace('node');
    const peer = await lab.addNamespace('peer');
    // eth0 carries VRRP; eth1 is only tracked. Both are veths whose other end sits in `peer`.
    await lab.veth(node, 'eth0', peer, 'eth0');
    await lab.veth(node, 'eth1', peer, 'eth1');
    await lab.addAddress(node, 'eth0', '198.51.100.1/24');
  });

  it('track_interface (weight 0): the tracked link set down faults the instance; set up, it returns to BACKUP then MASTER', async (t) => {
    const p = tandem(t, node, instance('VI_1', 81, 100, VIP1, '  track_interface {\n    eth1\n  }\n'));
    await logged(p, entering('VI_1', 'MASTER'));
    await vip(VIP1, true);

    await link('eth1', 'down');
    await logged(p, /Netlink reports eth1 down/);
    await logged(p, entering('VI_1', 'FAULT'));
    await vip(VIP1, false); // a faulted instance releases the VIP

    await link('eth1', 'up');
    await logged(p, /Netlink reports eth1 up/);
    await logged(p, entering('VI_1', 'MASTER'), 2);
    assert.deepEqual(states(p, 'VI_1'), ['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER']);
    await vip(VIP1, true);
    assert.doesNotMatch(p.stderr, /Changing effective priority/, 'weight 0 never changes the priority');
  });

  it('track_interface (weight 0): carrier loss (the veth peer goes down) faults too, and recovers', async (t) => {
    const p = tandem(t, node, instance('VI_1', 82, 100, VIP1, '  track_interface {\n    eth1\n  }\n'));
    await logged(p, entering('VI_1', 'MASTER'));
    const peer = lab.namespaces.find((n) => n.endsWith('-peer')) ?? '';
    await lab.ip(peer, ['link', 'set', 'eth1', 'down']);
    await logged(p, entering('VI_1', 'FAULT'));
    await lab.ip(peer, ['link', 'set', 'eth1', 'up']);
    await logged(p, entering('VI_1', 'MASTER'), 2);
    assert.deepEqual(states(p, 'VI_1'), ['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER']);
  });

  it('track_interface with a weight: down lowers the effective priority (no FAULT), up restores it', async (t) => {
    const p = tandem(
      t,
      node,
      instance('VI_1', 83, 150, VIP1, '  track_interface {\n    eth1 weight -50\n  }\n'),
    );
    await logged(p, entering('VI_1', 'MASTER'));
    await link('eth1', 'down');
    await logged(p, /\(VI_1\) Changing effective priority from 150 to 100/);
    await link('eth1', 'up');
    await logged(p, /\(VI_1\) Changing effective priority from 100 to 150/);
    // Alone on the LAN it stays MASTER throughout: a weight changes the priority, never the state.
    assert.deepEqual(states(p, 'VI_1'), ['BACKUP', 'MASTER']);
    await vip(VIP1, true);
  });

  it('vrrp_sync_group trackers (interface, file, script; weight 0) fault both members together, and both come back', async (t) => {
    const file = join(lab.tmp, 'group-file');
    const flag = join(lab.tmp, 'group-flag');
    writeFileSync(file, '0\n');
    const conf = `vrrp_track_file gfile {
  file ${file}
  weight 0
}
vrrp_script gchk {
  script "/usr/bin/test ! -e ${flag}"
  interval 1
  fall 1
  rise 1
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  track_interface {
    eth1
  }
  track_file {
    gfile
  }
  track_script {
    gchk
  }
}
${instance('VI_1', 84, 100, VIP1)}${instance('VI_2', 85, 100, VIP2)}`;
    const p = tandem(t, node, conf, ['--admin', '127.0.0.1:9381']);
    /** The sync groups and each member's state and trackers, as the admin server's /status reports them. */
    const status = async () => {
      const r = await lab.exec(node, 'curl', ['-s', '--max-time', '2', 'http://127.0.0.1:9381/status']);
      const s = JSON.parse(r.stdout) as {
        syncGroups: { name: string; state: string; instances: string[] }[];
        instances: { name: string; state: string; trackers: { name: string; up: boolean }[] }[];
      };
      return {
        groups: s.syncGroups.map((g) => `${g.name} ${g.state} ${g.instances.join(',')}`),
        members: s.instances.map(
          (i) =>
            `${i.name} ${i.state} ${i.trackers.map((tr) => `${tr.name}:${tr.up ? 'up' : 'down'}`).join(',')}`,
        ),
      };
    };
    await logged(p, entering('VI_1', 'MASTER'));
    await logged(p, entering('VI_2', 'MASTER'));
    await vip(VIP1, true);
    await vip(VIP2, true);

    /** Both members fault on `fault()` and come back to MASTER on `heal()`; the nth round. */
    const round = async (n: number, fault: () => unknown, heal: () => unknown) => {
      await fault();
      await logged(p, entering('VI_1', 'FAULT'), n);
      await logged(p, entering('VI_2', 'FAULT'), n);
      await vip(VIP1, false);
      await vip(VIP2, false);
      const down = await status();
      assert.deepEqual(down.groups, ['G1 FAULT VI_1,VI_2'], `round ${n}`);
      assert.deepEqual(
        down.members.map((m) => m.split(' ').slice(0, 2).join(' ')),
        ['VI_1 FAULT', 'VI_2 FAULT'],
      );
      assert.ok(
        down.members.every((m) => m.includes(`${downTracker[n - 1]}:down`)),
        `round ${n}: ${down.members.join(' | ')}`,
      );
      await heal();
      await logged(p, entering('VI_1', 'MASTER'), n + 1);
      await logged(p, entering('VI_2', 'MASTER'), n + 1);
      await vip(VIP1, true);
      await vip(VIP2, true);
    };
    const downTracker = ['eth1', 'gfile', 'gchk'];
    await round(
      1,
      () => link('eth1', 'down'),
      () => link('eth1', 'up'),
    );
    // keepalived track_file with weight 0: a non-zero value is a fault.
    await round(
      2,
      () => writeFileSync(file, '1\n'),
      () => writeFileSync(file, '0\n'),
    );
    await round(
      3,
      () => writeFileSync(flag, ''),
      () => rmSync(flag),
    );
    assert.deepEqual((await status()).groups, ['G1 MASTER VI_1,VI_2']);
    for (const name of ['VI_1', 'VI_2']) {
      const seen = states(p, name);
      assert.deepEqual(seen.slice(0, 2), ['BACKUP', 'MASTER'], `${name}: ${seen.join(' ')}`);
      assert.equal(seen.filter((s) => s === 'FAULT').length, 3, `${name}: ${seen.join(' ')}`);
    }
  });
});
