import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { SystemClock } from '../../../src/core/clock.js';
import type { TrackerState } from '../../../src/core/signal.js';
import { monitorLinkSource, type LinkSource } from '../../../plugins/track-interface/link-source.js';
import { InterfaceTrackerService } from '../../../plugins/track-interface/plugin.js';
import { testContext, waitFor } from '../track-script/helpers.js';

const isRoot = process.getuid?.() === 0;
const ns = `tdm-trkif-${process.pid}`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'ignore' });
}

if (!isRoot) {
  const msg = 'SKIPPED tracker.interface network test: needs root to create a network namespace';
  if (process.env['CI'] === 'true') throw new Error(`${msg} (CI=true makes this a failure)`);
  console.warn(`\n*** ${msg} ***\n`);
}

describe('tracker.interface on a real veth pair in a namespace', { skip: !isRoot }, () => {
  let source: LinkSource | undefined;
  before(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'tka', 'type', 'veth', 'peer', 'name', 'tkb');
    ip('-n', ns, 'addr', 'add', '198.51.100.61/24', 'dev', 'tka');
    ip('-n', ns, 'link', 'set', 'tka', 'up');
    ip('-n', ns, 'link', 'set', 'tkb', 'up');
  });
  after(() => {
    source?.close?.();
    try {
      ip('netns', 'del', ns);
    } catch {
      // Already gone.
    }
  });

  it('follows the link down and up, by admin state and by carrier', async () => {
    source = await monitorLinkSource({ netns: ns });
    const t = testContext(new SystemClock());
    const service = new InterfaceTrackerService(t.ctx, { interfaces: [{ name: 'tka' }], linkSource: source });
    await service.init();
    service.start();
    try {
      const signal = t.trackers.get('interface', 'tka');
      assert.ok(signal !== undefined);
      await waitFor(() => signal.get().up, 3000, 'the link to come up');
      const edges: TrackerState[] = [];
      signal.subscribe((s) => edges.push(s));
      // The peer going down removes the carrier (NO-CARRIER): keepalived's FLAGS_UP is false.
      ip('-n', ns, 'link', 'set', 'tkb', 'down');
      await waitFor(() => !signal.get().up, 3000, 'carrier loss');
      ip('-n', ns, 'link', 'set', 'tkb', 'up');
      await waitFor(() => signal.get().up, 3000, 'carrier back');
      ip('-n', ns, 'link', 'set', 'tka', 'down');
      await waitFor(() => !signal.get().up, 3000, 'admin down');
      ip('-n', ns, 'link', 'set', 'tka', 'up');
      await waitFor(() => signal.get().up, 3000, 'admin up');
      assert.deepEqual(
        edges.map((e) => e.up),
        [false, true, false, true],
      );
      assert.deepEqual(
        t.lines().filter((l) => l.startsWith('Netlink reports')),
        [
          'Netlink reports tka down',
          'Netlink reports tka up',
          'Netlink reports tka down',
          'Netlink reports tka up',
        ],
      );
    } finally {
      service.stop();
    }
  });
});
