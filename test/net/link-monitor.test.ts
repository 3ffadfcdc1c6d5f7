import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TrackerState } from '../../src/core/signal.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { IpCommand } from '../../src/net/ip-command.js';
import { LinkMonitor } from '../../src/net/link-monitor.js';
import { NetLab } from '../helpers/netns.js';
import { requireRoot } from '../helpers/require-root.js';

describe('link monitor (netlink events)', { skip: requireRoot() }, () => {
  const lab = NetLab.create('linkmon', after);
  let ns: string;
  let peerNs: string;
  let monitor: LinkMonitor;
  const { logger, records } = createMemoryLogger();

  before(async () => {
    ns = await lab.addNamespace('n');
    peerNs = await lab.addNamespace('p');
    // linkwatch treats a veth's carrier change as urgent only when its ifindex differs from its
    // peer's (linkwatch_urgent_event); fresh namespaces would give both index 2, and non-urgent
    // events are batched once a second host-wide. A spare pair in the peer namespace shifts the index.
    await lab.ip(peerNs, ['link', 'add', 'spare0', 'type', 'veth', 'peer', 'name', 'spare1']);
    await lab.veth(ns, 'eth0', peerNs, 'peer0');
    monitor = await LinkMonitor.start({ ip: new IpCommand({ netns: ns }), log: logger });
  });
  after(() => {
    monitor.stop();
  });

  /**
   * Runs `change`, then resolves with the next signal value and how long after the change it came.
   * The kernel's linkwatch announces at most one non-urgent change per device per second, so each
   * edge waits out the previous one first (keepalived sees the same netlink events, no earlier).
   */
  const timeEdge = async (change: () => Promise<unknown>): Promise<{ state: TrackerState; ms: number }> => {
    await new Promise((r) => setTimeout(r, 1100));
    const sig = monitor.signal('eth0');
    const edge = new Promise<TrackerState>((resolve) => {
      const off = sig.subscribe((state) => {
        off();
        resolve(state);
      });
    });
    const seen = edge.then((state) => ({ state, at: performance.now() }));
    await change();
    const changed = performance.now();
    const { state, at } = await seen;
    // From the moment the change is done in the kernel (the `ip` command returned); an edge seen
    // before that counts as 0. Fork/exec time of the test's own `ip` is not the monitor's latency.
    return { state, ms: Math.max(0, at - changed) };
  };

  test('knows the current state at start', () => {
    assert.equal(monitor.state('eth0')?.adminUp, true);
    assert.deepEqual(monitor.signal('nosuch0').get(), { up: false, reason: 'interface does not exist' });
  });

  test('admin down and up are seen within 100 ms, once each', async () => {
    const firstRecord = records.length;
    const down = await timeEdge(() => lab.ip(ns, ['link', 'set', 'eth0', 'down']));
    assert.deepEqual(down.state, { up: false, reason: 'interface is administratively down' });
    const up = await timeEdge(() => lab.ip(ns, ['link', 'set', 'eth0', 'up']));
    assert.equal(up.state.up, true);
    process.stdout.write(
      `# link down seen after ${down.ms.toFixed(1)} ms, up after ${up.ms.toFixed(1)} ms\n`,
    );
    assert.ok(down.ms < 100, `down seen in ${down.ms} ms`);
    assert.ok(up.ms < 100, `up seen in ${up.ms} ms`);
    const lines = records
      .slice(firstRecord)
      .map((r) => r.msg)
      .filter((m) => m.startsWith('Netlink reports eth0'));
    assert.deepEqual(lines, ['Netlink reports eth0 down', 'Netlink reports eth0 up']);
  });

  test('carrier loss (the peer goes down) is down; carrier back is up', async () => {
    const down = await timeEdge(() => lab.ip(peerNs, ['link', 'set', 'peer0', 'down']));
    assert.deepEqual(down.state, { up: false, reason: 'interface has no carrier' });
    const up = await timeEdge(() => lab.ip(peerNs, ['link', 'set', 'peer0', 'up']));
    assert.equal(up.state.up, true);
    assert.ok(down.ms < 100 && up.ms < 100, `carrier edges in ${down.ms} / ${up.ms} ms`);
  });

  test('an interface created later is picked up, and its deletion is down', async () => {
    const sig = monitor.signal('dummy7');
    assert.equal(sig.get().up, false);
    await lab.ip(ns, ['link', 'add', 'dummy7', 'type', 'veth', 'peer', 'name', 'dummy7p']);
    await lab.ip(ns, ['link', 'set', 'dummy7p', 'up']);
    const created = await timeEdge2(sig, () => lab.ip(ns, ['link', 'set', 'dummy7', 'up']));
    assert.equal(created.up, true);
    const deleted = await timeEdge2(sig, () => lab.ip(ns, ['link', 'del', 'dummy7']));
    assert.equal(deleted.up, false);
    for (let i = 0; i < 50 && monitor.state('dummy7') !== undefined; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(monitor.state('dummy7'), undefined, 'RTM_DELLINK seen');
  });
});

async function timeEdge2(
  sig: { subscribe(l: (s: TrackerState) => void): () => void },
  change: () => Promise<unknown>,
): Promise<TrackerState> {
  const edge = new Promise<TrackerState>((resolve) => {
    const off = sig.subscribe((s) => {
      off();
      resolve(s);
    });
  });
  await change();
  return edge;
}
