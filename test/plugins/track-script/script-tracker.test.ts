import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { TrackerState } from '../../../src/core/signal.js';
import { healthTrackEffect } from '../../../src/core/track-weight.js';
import type { ScriptTrackerConfig, ScriptTrackerParams } from '../../../plugins/track-script/params.js';
import { ScriptTrackerService, createScriptTrackerPlugin } from '../../../plugins/track-script/plugin.js';
import { alive, currentUser, rootOrSkip, scratchDir, testContext, waitFor, writeScript } from './helpers.js';

const { dir, cleanup } = scratchDir('track-script');
after(cleanup);
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

/** Builds and starts a tracker.script service for one script; returns it with its log and edges. */
async function run(
  params: Partial<ScriptTrackerParams> & { script: readonly string[] },
  extra: Partial<ScriptTrackerConfig> = {},
) {
  const t = testContext();
  const config: ScriptTrackerConfig = {
    scripts: [{ name: 'chk', interval: 100, timeout: 2000, ...params }],
    scriptUser: currentUser,
    ...extra,
  };
  const plugin = createScriptTrackerPlugin(() => config);
  const service = plugin.create(t.ctx, config);
  assert.ok(service instanceof ScriptTrackerService);
  await service.init();
  const edges: { state: TrackerState; run: number }[] = [];
  const tracker = service.trackers.get('chk');
  tracker?.signal.subscribe((state) => edges.push({ state, run: tracker.runs }));
  service.start();
  running.push(() => service.stop());
  return { ...t, service, tracker, edges, stop: () => service.stop() };
}

/** A script that exits with the next code of `codes` on each run (0 once they run out). */
function sequenceScript(name: string, codes: number[]): string {
  const seq = join(dir, `${name}.seq`);
  writeFileSync(seq, codes.join('\n') + '\n');
  const n = join(dir, `${name}.n`);
  return writeScript(
    dir,
    `${name}.sh`,
    `n=$(cat ${n} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${n}\ncode=$(sed -n "\${n}p" ${seq}); exit \${code:-0}`,
  );
}

describe('tracker.script with real scripts', () => {
  it('a succeeding script goes up once, with keepalived lines, and is published as kind script', async () => {
    const r = await run({ script: [writeScript(dir, 'ok.sh', 'exit 0')], weight: 10 });
    await waitFor(() => (r.tracker?.runs ?? 0) >= 3, 5000, 'three runs');
    await r.stop();
    assert.deepEqual(
      r.edges.map((e) => e.state),
      [{ up: true, reason: 'succeeded', value: 1 }],
    );
    assert.equal(r.trackers.get('script', 'chk'), r.tracker?.signal);
    assert.deepEqual(
      r.lines().filter((l) => l.startsWith('VRRP_Script')),
      ['VRRP_Script(chk) succeeded'],
    );
    assert.ok(
      r.lines().includes('SECURITY VIOLATION - scripts are being executed but script_security not enabled.'),
    );
  });

  it('a failing script logs the status change; an instance with weight -20 loses 20', async () => {
    const r = await run({ script: [writeScript(dir, 'fail.sh', 'exit 1')], weight: -20 });
    await waitFor(() => r.edges.length >= 1, 5000, 'failure');
    await r.stop();
    const state = r.edges[0]?.state;
    assert.deepEqual(state, { up: false, reason: 'failed (exited with status 1)', value: 0 });
    assert.deepEqual(healthTrackEffect(state.up, -20, false), { fault: false, delta: -20 });
    assert.deepEqual(healthTrackEffect(state.up, 0, false), { fault: true, delta: 0 });
    const lines = r.lines();
    assert.ok(lines.includes('Script `chk` now returning 1'));
    assert.ok(lines.includes('VRRP_Script(chk) failed (exited with status 1)'));
  });

  it('counts rise and fall exactly on a flapping script', async () => {
    // rise 2, fall 3: down at run 1, up at 3, a lone success at 6 restores the count, down at 9, up at 11.
    const script = sequenceScript('flap', [1, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0]);
    const r = await run({ script: [script], rise: 2, fall: 3, weight: 5 });
    await waitFor(() => (r.tracker?.runs ?? 0) >= 12, 10_000, 'twelve runs');
    await r.stop();
    assert.deepEqual(
      r.edges.map(
        (e) => `${e.state.up ? 'up' : 'down'}@${e.run}:${healthTrackEffect(e.state.up, 5, false).delta}`,
      ),
      ['down@1:0', 'up@3:5', 'down@9:0', 'up@11:5'],
    );
    const lines = r.lines().filter((l) => l.startsWith('VRRP_Script') || l.startsWith('Script `'));
    assert.deepEqual(lines, [
      'Script `chk` now returning 1',
      'VRRP_Script(chk) failed (exited with status 1)',
      'Script `chk` now returning 0',
      'VRRP_Script(chk) succeeded',
      'Script `chk` now returning 1',
      'Script `chk` now returning 0',
      'Script `chk` now returning 1',
      'VRRP_Script(chk) failed (exited with status 1)',
      'Script `chk` now returning 0',
      'VRRP_Script(chk) succeeded',
    ]);
  });

  it('init_fail starts down (FAULT for weight 0) and needs rise successes', async () => {
    const r = await run({ script: [writeScript(dir, 'ok2.sh', 'exit 0')], rise: 2, initFail: true });
    assert.deepEqual(r.tracker?.signal.get(), { up: false, reason: 'init_fail', value: 0 });
    await waitFor(() => r.edges.length >= 1, 5000, 'up');
    await r.stop();
    assert.deepEqual(
      r.edges.map((e) => [e.state.up, e.run]),
      [[true, 2]],
    );
  });

  it('a script killed by a signal fails with keepalived\'s "due to signal" line', async () => {
    const r = await run({ script: [writeScript(dir, 'sig.sh', 'kill -9 $$')] });
    await waitFor(() => r.edges.length >= 1, 5000, 'failure');
    await r.stop();
    assert.ok(r.lines().includes('VRRP_Script(chk) failed (due to signal 9)'));
    assert.equal(r.edges[0]?.state.up, false);
  });

  it('a hanging script is timed out, its forked children die with it, and overlapping ticks are skipped', async () => {
    const childPid = join(dir, 'hang.child');
    const script = writeScript(dir, 'hang.sh', `sleep 30 &\necho $! > ${childPid}\nsleep 30`);
    const r = await run({ script: [script], interval: 100, timeout: 250 });
    await waitFor(() => r.edges.length >= 1, 5000, 'timed_out');
    const started = r.lines();
    await r.stop();
    assert.ok(started.includes('VRRP_Script(chk) timed_out'), started.join('\n'));
    assert.ok(started.includes('Track script chk is already running, expect idle - skipping run'));
    const pid = Number(readFileSync(childPid, 'utf8'));
    await waitFor(() => !alive(pid), 2000, 'the forked child to be killed');
    assert.deepEqual(r.edges[0]?.state, { up: false, reason: 'timed_out', value: 0 });
  });

  it('a script that ignores SIGTERM is killed 2 s later and logged as timed out', async () => {
    const script = writeScript(dir, 'stubborn.sh', `trap '' TERM\nsleep 30 & wait; sleep 30`);
    const r = await run({ script: [script], interval: 1000, timeout: 200 });
    const t0 = Date.now();
    await waitFor(() => r.edges.length >= 1, 6000, 'timed_out');
    const took = Date.now() - t0;
    await r.stop();
    assert.ok(took >= 2100 && took < 4000, `timed out after ${took} ms, want ≈ 200 ms + 2 s`);
    assert.ok(r.lines().includes('Track script chk is being timed out, expect idle - skipping run'));
    assert.ok(r.lines().includes('VRRP_Script(chk) timed_out'));
  });

  it('never runs the same script twice at once', async () => {
    const lock = join(dir, 'lock.d');
    const script = writeScript(dir, 'lock.sh', `mkdir ${lock} || exit 99\nsleep 0.25\nrmdir ${lock}`);
    const r = await run({ script: [script], interval: 100, timeout: 2000 });
    await waitFor(() => (r.tracker?.runs ?? 0) >= 3, 5000, 'three runs');
    await r.stop();
    assert.ok(!r.lines().some((l) => l.includes('status 99')));
    assert.ok(r.lines().filter((l) => l.endsWith('already running, expect idle - skipping run')).length >= 3);
  });

  it('drains and caps a flood of output without blocking', async () => {
    const script = writeScript(dir, 'flood.sh', 'head -c 8000000 /dev/zero | tr "\\0" x; exit 3');
    const r = await run({ script: [script], interval: 300 }, { outputCap: 1000 });
    await waitFor(() => r.edges.length >= 1, 5000, 'failure');
    await r.stop();
    const out = r.records.find((x) => x.msg.startsWith('VRRP_Script(chk) output: '));
    assert.ok(out !== undefined);
    assert.equal(out.msg.length, 'VRRP_Script(chk) output: '.length + 1000);
    assert.equal(out.fields['outputBytes'], 8_000_000);
    assert.ok(r.lines().includes('VRRP_Script(chk) failed (exited with status 3)'));
  });

  it(
    'runs as the configured user and group, with no other supplementary groups',
    { skip: !rootOrSkip('setuid script test') },
    async () => {
      const { dir: out, cleanup: rmOut } = scratchDir('track-script-out');
      try {
        const { chmodSync } = await import('node:fs');
        chmodSync(out, 0o777);
        const idFile = join(out, 'id');
        const script = writeScript(dir, 'id.sh', `echo "$(id -u) $(id -g) $(id -G)" > ${idFile}`);
        const r = await run({ script: [script], user: { user: 'nobody', group: 'daemon' } });
        await waitFor(() => r.edges.length >= 1, 5000, 'a run');
        await r.stop();
        assert.equal(readFileSync(idFile, 'utf8').trim(), '65534 1 1');
      } finally {
        rmOut();
      }
    },
  );

  it("runs keepalived's `</file` openability test through the shell", async () => {
    const ok = await run({ script: [`</${join(dir, 'ok.sh').slice(1)}`] });
    const bad = await run({ script: [`</${join(dir, 'nope').slice(1)}`] }, { outputCap: 0 });
    await waitFor(() => ok.edges.length >= 1 && bad.edges.length >= 1, 5000, 'both results');
    assert.equal(ok.edges[0]?.state.up, true);
    assert.equal(bad.edges[0]?.state.reason, 'failed (exited with status 2)');
  });

  it('reloads in place: a kept script carries its state and signal, a dropped one stops, a new one starts', async () => {
    const fail = writeScript(dir, 'reload-fail.sh', 'exit 1');
    const ok = writeScript(dir, 'reload-ok.sh', 'exit 0');
    const r = await run({ script: [fail] });
    await waitFor(() => r.edges.length >= 1, 5000, 'the failure');
    const signal = r.trackers.get('script', 'chk');
    const edgesBefore = r.edges.length;
    const next: ScriptTrackerConfig = {
      scripts: [
        { name: 'chk', interval: 100, timeout: 2000, rise: 3, script: [fail] },
        { name: 'chk2', interval: 100, timeout: 2000, script: [ok] },
      ],
      scriptUser: currentUser,
    };
    assert.equal(await r.service.reload(next), true);
    assert.ok(r.lines().includes('VRRP_Script(chk) considered unsuccessful on reload'));
    assert.equal(r.trackers.get('script', 'chk'), signal);
    await waitFor(() => r.trackers.get('script', 'chk2')?.get().up === true, 5000, 'the new script');
    assert.equal(r.edges.length, edgesBefore);
    const kept = r.service.trackers.get('chk');
    assert.ok(kept !== undefined);
    await r.service.reload({ scripts: [next.scripts[1]!], scriptUser: currentUser });
    assert.equal(r.service.trackers.has('chk'), false);
    const runs = kept.runs;
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(kept.runs, runs, 'a dropped script must not run again');
  });

  it('does not run scripts no instance tracks', async () => {
    const marker = join(dir, 'untracked.ran');
    const script = writeScript(dir, 'untracked.sh', `touch ${marker}`);
    const r = await run({ script: [script] }, { tracked: new Set(['other']) });
    await r.stop();
    assert.equal(r.tracker, undefined);
    assert.equal(r.trackers.get('script', 'chk'), undefined);
    assert.ok(r.lines().includes('Warning - script chk is not used'));
  });
});
