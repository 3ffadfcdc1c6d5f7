import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { createMemoryLogger } from '../../../src/core/logger.js';
import type { TrackerState } from '../../../src/core/signal.js';
import type { ProcessTrackerConfig, ProcessTrackerParams } from '../../../plugins/track-process/params.js';
import { ProcessTrackerService, createProcessTrackerPlugin } from '../../../plugins/track-process/plugin.js';
import { compileMatcher, type ProcEntry } from '../../../plugins/track-process/process-match.js';
import { ProcessQuorum } from '../../../plugins/track-process/process-quorum.js';
import { healthTrackEffect } from '../../../src/core/track-weight.js';
import { scratchDir, testContext } from '../track-script/helpers.js';

const cmd = (...argv: string[]): Buffer => Buffer.from(argv.map((a) => `${a}\0`).join(''));
const entry = (e: Omit<ProcEntry, 'pid'>): ProcEntry => ({ pid: 1, ...e });

describe('compileMatcher (keepalived read_procs / check_params)', () => {
  it('matches comm by default and ignores zombies', () => {
    const m = compileMatcher({ name: 'p', process: ['nginx'] });
    assert.equal(m.fullCommand, false);
    assert.equal(m.matches(entry({ comm: 'nginx' })), true);
    assert.equal(m.matches(entry({ comm: 'nginx', zombie: true })), false);
    assert.equal(m.matches(entry({ comm: 'nginx-debug' })), false);
  });

  it('full_command compares argv[0] exactly and ignores arguments', () => {
    const m = compileMatcher({ name: 'p', process: ['/usr/sbin/nginx'], fullCommand: true });
    assert.equal(m.matches(entry({ cmdline: cmd('/usr/sbin/nginx', '-g', 'daemon off;') })), true);
    assert.equal(m.matches(entry({ cmdline: cmd('nginx') })), false);
    assert.equal(m.matches(entry({ cmdline: Buffer.alloc(0) })), false);
  });

  it('arguments imply an exact match of all of them', () => {
    const m = compileMatcher({ name: 'p', process: ['/bin/app', '-c', 'a.conf'] });
    assert.equal(m.matches(entry({ cmdline: cmd('/bin/app', '-c', 'a.conf') })), true);
    assert.equal(m.matches(entry({ cmdline: cmd('/bin/app', '-c', 'a.conf', '-v') })), false);
    assert.equal(m.matches(entry({ cmdline: cmd('/bin/app', '-c') })), false);
    const bare = compileMatcher({ name: 'p', process: ['/bin/app'], paramMatch: 'exact' });
    assert.equal(bare.matches(entry({ cmdline: cmd('/bin/app') })), true);
    assert.equal(bare.matches(entry({ cmdline: cmd('/bin/app', '-v') })), false);
  });

  it('partial matches leading arguments; initial lets the last one be a prefix', () => {
    const partial = compileMatcher({ name: 'p', process: ['/bin/app', '-c'], paramMatch: 'partial' });
    assert.equal(partial.matches(entry({ cmdline: cmd('/bin/app', '-c', 'x') })), true);
    assert.equal(partial.matches(entry({ cmdline: cmd('/bin/app', '-cx') })), false);
    const initial = compileMatcher({ name: 'p', process: ['/bin/app', '-c', 'pro'], paramMatch: 'initial' });
    assert.equal(initial.matches(entry({ cmdline: cmd('/bin/app', '-c', 'prod.conf') })), true);
    assert.equal(initial.matches(entry({ cmdline: cmd('/bin/app', '-c', 'test.conf') })), false);
  });
});

describe('ProcessQuorum (quorum, quorum_max, delays)', () => {
  function quorum(p: Partial<ProcessTrackerParams>) {
    const clock = new VirtualClock();
    const { logger, records } = createMemoryLogger();
    const q = new ProcessQuorum({ name: 'app', process: ['app'], ...p }, clock, logger);
    const edges: TrackerState[] = [];
    q.signal.subscribe((s) => edges.push(s));
    return { q, clock, edges, lines: () => records.map((r) => r.msg) };
  }

  it("the first count sets quorum silently; later flips log keepalived's lines", () => {
    const t = quorum({ quorum: 2 });
    t.q.update(2);
    assert.equal(t.q.signal.get().up, true);
    t.q.update(1);
    t.q.update(3);
    assert.deepEqual(t.lines(), [
      'Quorum lost for tracked process app',
      'Quorum gained for tracked process app',
    ]);
    assert.deepEqual(
      t.edges.map((e) => e.up),
      [true, false, true],
    );
  });

  it('quorum_max: too many processes loses quorum', () => {
    const t = quorum({ quorum: 1, quorumMax: 2 });
    t.q.update(1);
    assert.deepEqual(t.q.signal.get(), { up: true, reason: '1 process, quorum held', value: 1 });
    t.q.update(3);
    assert.deepEqual(t.q.signal.get(), { up: false, reason: '3 processes, quorum not held', value: 0 });
  });

  it('terminate_delay holds quorum while a restart comes back in time', () => {
    const t = quorum({ terminateDelay: 3000, forkDelay: 1000 });
    t.q.update(1);
    t.q.update(0);
    t.clock.advance(2000);
    assert.equal(t.q.have, true);
    t.q.update(1);
    t.clock.advance(5000);
    assert.equal(t.q.have, true);
    assert.deepEqual(t.lines(), []);
    t.q.update(0);
    t.clock.advance(2999);
    assert.equal(t.q.have, true);
    t.clock.advance(1);
    assert.equal(t.q.have, false);
    // Coming back waits fork_delay.
    t.q.update(1);
    t.clock.advance(999);
    assert.equal(t.q.have, false);
    t.clock.advance(1);
    assert.equal(t.q.have, true);
  });

  it('publishes the raw quorum (up=false: FAULT for weight-0 instances) while quorum is lost', () => {
    const t = quorum({});
    t.q.update(0);
    assert.deepEqual(t.q.signal.get(), { up: false, reason: '0 processes, quorum not held', value: 0 });
  });
});

describe('tracker.process scanning /proc', () => {
  const { dir, cleanup } = scratchDir('track-process');
  after(cleanup);

  it('reads comm and zombie state from a proc tree', async () => {
    const root = join(dir, 'proc');
    const add = (pid: number, stat: string, cmdline: Buffer) => {
      mkdirSync(join(root, String(pid)), { recursive: true });
      writeFileSync(join(root, String(pid), 'stat'), stat);
      writeFileSync(join(root, String(pid), 'cmdline'), cmdline);
    };
    add(10, '10 (my app) S 1 10 10 0', cmd('/opt/my app'));
    add(11, '11 (my app) Z 1 10 10 0', Buffer.alloc(0));
    add(12, '12 (other) S 1 12 12 0', cmd('/bin/other'));
    mkdirSync(join(root, 'self'), { recursive: true });
    const t = testContext(new VirtualClock());
    const config: ProcessTrackerConfig = {
      processes: [{ name: 'app', process: ['my app'], weight: 0 }],
      procRoot: root,
    };
    const service = createProcessTrackerPlugin(() => config).create(t.ctx, config);
    assert.ok(service instanceof ProcessTrackerService);
    await service.init();
    assert.equal(service.quorums.get('app')?.count, 1);
    assert.equal(t.trackers.get('process', 'app')?.get().up, true);
    await service.stop();
  });

  it('counts real processes by full command line and loses quorum when one exits', async () => {
    const tag = `${process.pid}.${Date.now() % 1000}`;
    const kids = [spawn('/bin/sleep', [tag]), spawn('/bin/sleep', [tag])];
    try {
      await Promise.all(kids.map((k) => new Promise((r) => k.once('spawn', r))));
      const t = testContext(new VirtualClock());
      const config: ProcessTrackerConfig = {
        processes: [{ name: 'sleepers', process: ['/bin/sleep', tag], quorum: 2, weight: -30 }],
      };
      const service = new ProcessTrackerService(t.ctx, config);
      await service.init();
      assert.deepEqual(t.trackers.get('process', 'sleepers')?.get(), {
        up: true,
        reason: '2 processes, quorum held',
        value: 1,
      });
      kids[0]?.kill('SIGKILL');
      await new Promise((r) => kids[0]?.once('exit', r));
      await service.scan();
      const lost = t.trackers.get('process', 'sleepers');
      assert.ok(lost !== undefined);
      assert.equal(lost.get().up, false);
      // An instance tracking it with the block's `weight -30` loses 30.
      assert.equal(healthTrackEffect(lost.get().up, -30, false).delta, -30);
      assert.ok(t.lines().includes('Quorum lost for tracked process sleepers'));
      await service.stop();
    } finally {
      for (const k of kids) k.kill('SIGKILL');
    }
  });
});
