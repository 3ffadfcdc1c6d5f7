import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetLab } from '../../helpers/netns.js';
import { requireRoot } from '../../helpers/require-root.js';
import { InteropRig, PAIRS, pairName, recordFigure, sleep, VIP } from '../../helpers/vrrp-rig.js';
import { instanceConf, startSettled } from '../../helpers/vrrp-scenario.js';
import { garps, handover, timelineOf } from '../../helpers/vrrp-timeline.js';

/**
 * A third "client" namespace (issue 6): it resolved the VIP to the master's MAC through ordinary ARP;
 * after a crash takeover its entry moves to the new master's MAC without waiting for the entry to
 * expire (base_reachable_time 30 s), because the new master's gratuitous ARP updates it.
 */
describe(
  'client neighbour entry follows the VIP',
  { skip: requireRoot(['tcpdump', 'keepalived', 'arping']) },
  () => {
    const lab = NetLab.create('vineigh', after);
    let rig: InteropRig;

    /** The client's neighbour entry for the VIP: MAC and NUD state. */
    const entry = async (): Promise<{ mac?: string; state: string[] } | undefined> => {
      const out = await lab.ip(rig.client.ns, ['-json', 'neigh', 'show', 'to', VIP, 'dev', 'eth0']);
      const [n] = JSON.parse(out) as { lladdr?: string; state: string[] }[];
      return n === undefined
        ? undefined
        : { ...(n.lladdr === undefined ? {} : { mac: n.lladdr }), state: n.state };
    };

    before(async () => {
      rig = await InteropRig.create(lab);
    });

    PAIRS.forEach((pair, i) => {
      const name = pairName(pair);
      test(`${name}: the client's entry moves from the dead ${pair[0]} master to the ${pair[1]} at takeover`, async () => {
        const vrid = 130 + i;
        const [master, backup] = rig.pair(pair);
        try {
          await startSettled(master, instanceConf(vrid, 150), backup, instanceConf(vrid, 100));
          // An ordinary resolution: a TCP connect to a closed port makes the kernel ARP for the VIP.
          await lab.exec(rig.client.ns, 'bash', ['-c', `exec 3<>/dev/tcp/${VIP}/9`], 3000);
          const before = await entry();
          assert.equal(
            before?.mac,
            master.mac,
            `client resolved the VIP to ${before?.mac}, master is ${master.mac}`,
          );
          // Linux ignores ARP updates within neigh locktime (1 s) of the entry's last change: a real
          // client resolved long before a failover, so let that pass instead of lowering it.
          const cap = await rig.capture();
          await sleep(1100);
          assert.equal((await entry())?.mac, master.mac);
          master.crash();
          await backup.waitState('MASTER', 3000);
          const deadline = Date.now() + 2000;
          let moved: number | undefined;
          while (moved === undefined && Date.now() < deadline) {
            if ((await entry())?.mac === backup.mac) moved = Date.now() / 1000;
            else await sleep(10);
          }
          const t = timelineOf(await cap.stop());
          assert.ok(
            moved !== undefined,
            `the client's entry still points at ${(await entry())?.mac}, not ${backup.mac}`,
          );
          const h = handover(t, vrid, master.address, backup.address);
          assert.ok(h !== undefined, 'no takeover in the capture');
          const burst = garps(t, VIP, backup.mac, h.firstNew.time);
          assert.ok(burst.length > 0, 'no GARP from the new master');
          // The client resolved nothing itself: no ARP request from it in the capture. (A reply is
          // fine: a router's kernel may re-check its own entry for the client, which the client
          // answers without touching its entry for the VIP.)
          assert.deepEqual(
            t.arps.filter((a) => a.senderIp === rig.client.address && a.op === 1),
            [],
          );
          recordFigure({
            scenario: 'v3 100 ms, kill -9, client ARP',
            pair: name,
            metric: 'first advert of the new master -> client entry moved (10 ms poll)',
            ms: (moved - h.firstNew.time) * 1000,
            theoryMs: 0,
          });
        } finally {
          await rig.reset();
        }
      });
    });
  },
);
