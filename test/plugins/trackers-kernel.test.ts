import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Model } from '../../src/config/model/index.js';
import { SystemClock, seededRandom } from '../../src/core/clock.js';
import { EventBus } from '../../src/core/events.js';
import { Kernel } from '../../src/core/kernel.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { PluginContext, ServicePlugin } from '../../src/core/plugin.js';
import { PluginRegistry } from '../../src/core/registry.js';
import type { Signal, TrackerState } from '../../src/core/signal.js';
import {
  createFileTrackerPlugin,
  createInterfaceTrackerPlugin,
  createProcessTrackerPlugin,
  createScriptTrackerPlugin,
  reweightTrackerState,
} from '../../src/index.js';
import { currentUser, scratchDir, waitFor, writeScript } from './track-script/helpers.js';

const model: Model = {
  tandem: {
    plugins: [],
    metrics: { native: true, keepalivedCompat: true, nginxCompat: true },
    log: { format: 'text', level: 'info' },
  },
};

describe('tracker plugins under the kernel', () => {
  const { dir, cleanup } = scratchDir('trackers-kernel');
  after(cleanup);

  it('a consumer that requires the trackers finds their signals at init and sees edges', async () => {
    const script = writeScript(dir, 'chk.sh', 'exit 1');
    const file = join(dir, 'weight');
    writeFileSync(file, '4\n');
    const seen = new Map<string, Signal<TrackerState>>();
    // What the VRRP plugin does: look the trackers up by kind and name in init, subscribe.
    const consumer: ServicePlugin<true> = {
      id: 'consumer',
      kind: 'service',
      version: '1.0.0',
      api: '^1.0.0',
      requires: ['tracker.script', 'tracker.file', 'tracker.process', 'tracker.interface'],
      select: () => true,
      create: (ctx: PluginContext) => ({
        init: () => {
          for (const [kind, name] of [
            ['script', 'chk'],
            ['file', 'tf'],
            ['process', 'self'],
          ] as const) {
            const s = ctx.trackers.get(kind, name);
            if (s !== undefined) seen.set(kind, s);
          }
        },
      }),
    };
    const registry = new PluginRegistry();
    registry.register(
      createScriptTrackerPlugin(() => ({
        scripts: [{ name: 'chk', script: [script], interval: 200, weight: 0 }],
        scriptUser: currentUser,
        tracked: new Set(['chk']),
      })),
    );
    registry.register(createFileTrackerPlugin(() => ({ files: [{ name: 'tf', file, weight: 3 }] })));
    registry.register(
      createProcessTrackerPlugin(() => ({
        processes: [{ name: 'self', process: [process.execPath], fullCommand: true, weight: 7 }],
      })),
    );
    registry.register(createInterfaceTrackerPlugin(() => ({ interfaces: [] })));
    registry.register(consumer);
    const { logger } = createMemoryLogger();
    const bus = new EventBus(logger);
    const changes: string[] = [];
    bus.on('tracker.changed', (e) => changes.push(`${e.kind}/${e.name}:${e.state.up}`));
    const kernel = new Kernel({
      registry,
      log: logger,
      bus,
      clock: new SystemClock(),
      random: seededRandom(1),
    });
    await kernel.start(model);
    try {
      assert.deepEqual([...seen.keys()].sort(), ['file', 'process', 'script']);
      assert.deepEqual(seen.get('file')?.get(), { up: true, reason: 'value 4', weight: 12, value: 4 });
      // At least this test's own node process runs as process.execPath.
      assert.equal(seen.get('process')?.get().value, 1);
      const chk = seen.get('script');
      assert.ok(chk !== undefined);
      await waitFor(() => chk.get().reason !== 'init', 3000, 'the first script result');
      // Weight 0 and failing: FAULT for an instance using the script's weight...
      assert.deepEqual(chk.get(), { up: false, reason: 'failed (exited with status 1)', value: 0 });
      // ...and -15 for one that says `track_script { chk weight -15 }`.
      assert.equal(reweightTrackerState('health', chk.get(), -15, false).weight, -15);
      assert.ok(changes.includes('script/chk:false'));
    } finally {
      await kernel.stop();
    }
  });
});
