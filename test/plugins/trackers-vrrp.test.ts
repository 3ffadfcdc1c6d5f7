import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VirtualClock } from '../../src/core/clock.js';
import type { Signal, TrackerState } from '../../src/core/signal.js';
import { FileTrackerService } from '../../plugins/track-file/plugin.js';
import { ScriptTrackerService } from '../../plugins/track-script/plugin.js';
import { VrrpMachine } from '../../plugins/vrrp/machine.js';
import { inst } from './vrrp/sim/helpers.js';
import { currentUser, scratchDir, testContext, waitFor, writeScript } from './track-script/helpers.js';

const ME = '198.51.100.2';

/**
 * The contract with the VRRP engine: trackers publish raw states, each instance applies its own
 * track_script / track_file weight (keepalived.md §3). Real scripts and files drive a VrrpMachine.
 */
describe('tracker signals drive the VRRP engine', () => {
  const { dir, cleanup } = scratchDir('trackers-vrrp');
  after(cleanup);

  it('a failing check lowers one instance by its weight, faults the weight-0 one, and recovery restores both', async () => {
    const exitCode = join(dir, 'code');
    writeFileSync(exitCode, '0');
    const script = writeScript(dir, 'chk.sh', `exit $(cat ${exitCode})`);
    const weightFile = join(dir, 'file');
    writeFileSync(weightFile, '2');
    const t = testContext();
    const scripts = new ScriptTrackerService(t.ctx, {
      scripts: [{ name: 'chk', script: [script], interval: 100, timeout: 2000 }],
      scriptUser: currentUser,
    });
    const files = new FileTrackerService(t.ctx, {
      files: [{ name: 'tf', file: weightFile, weight: 5 }],
      pollInterval: 0,
    });
    await scripts.init();
    await files.init();
    const machine = new VrrpMachine(
      {
        instances: [
          inst({ name: 'VI_1', sourceAddress: ME, priority: 100, trackers: [{ name: 'chk', weight: -30 }] }),
          inst({
            name: 'VI_2',
            vrid: 52,
            sourceAddress: ME,
            priority: 100,
            trackers: [{ name: 'chk', weight: 0 }],
          }),
          inst({
            name: 'VI_3',
            vrid: 53,
            sourceAddress: ME,
            priority: 100,
            trackers: [{ name: 'tf', weight: 5, kind: 'file' }],
          }),
        ],
      },
      new VirtualClock(),
      () => undefined,
    );
    // The daemon's wiring: subscribe each published signal to the machine, start with the states known.
    const published: [string, Signal<TrackerState>][] = [
      ['chk', t.trackers.get('script', 'chk')!],
      ['tf', t.trackers.get('file', 'tf')!],
    ];
    for (const [name, s] of published) s.subscribe((state) => machine.tracker(name, state));
    machine.start(Object.fromEntries(published.map(([n, s]) => [n, s.get()])));
    scripts.start();
    files.start();
    const vi = (n: string) => machine.state.instances[n]!;
    try {
      assert.equal(vi('VI_3').effectivePriority, 110);
      await waitFor(() => t.lines().includes('VRRP_Script(chk) succeeded'), 3000, 'the first success');
      assert.equal(vi('VI_1').effectivePriority, 100);
      assert.notEqual(vi('VI_2').state, 'FAULT');

      writeFileSync(exitCode, '1');
      await waitFor(() => vi('VI_2').state === 'FAULT', 3000, 'VI_2 in FAULT');
      assert.equal(vi('VI_1').effectivePriority, 70);
      writeFileSync(weightFile, '-4');
      await waitFor(() => vi('VI_3').effectivePriority === 80, 3000, 'VI_3 at 100 − 20');

      writeFileSync(exitCode, '0');
      await waitFor(() => vi('VI_2').state !== 'FAULT', 3000, 'VI_2 out of FAULT');
      assert.equal(vi('VI_1').effectivePriority, 100);
    } finally {
      machine.kill();
      await scripts.stop();
      await files.stop();
    }
  });
});
