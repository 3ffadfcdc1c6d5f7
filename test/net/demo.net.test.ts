import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keepalivedConf } from '../../src/cli/net-demo/node-config.js';
import { fixedHost, loadKeepalivedConfig } from '../../src/config/keepalived.js';
import { hostSync, listNamespaces } from '../helpers/netns.js';
import { repoRoot } from '../helpers/paths.js';
import { requireRoot } from '../helpers/require-root.js';

const demoMain = join(repoRoot, 'dist', 'src', 'cli', 'net-demo', 'main.js');

/** Runs `npm run demo`'s entry point to completion and returns its exit, pid and output. */
function runDemo(): Promise<{ code: number | null; pid: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [demoMain], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Well under a minute is part of the promise; 90 s bounds a hang.
    const timer = setTimeout(() => child.kill('SIGINT'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, pid: child.pid ?? 0, stdout, stderr });
    });
  });
}

/**
 * Master_Down_Interval of the demo's backup, from its keepalived.conf as Tandem's loader reads it:
 * 3 × advert interval + (256 − priority) × interval / 256 (RFC 5798 §6.1, v3).
 */
function backupMasterDownMs(): number {
  const dir = mkdtempSync(join(tmpdir(), 'tdemo-test-'));
  try {
    const file = join(dir, 'keepalived-lb2.conf');
    const node = { name: 'lb2', ns: 'x', address: '198.51.100.2', priority: 100 } as const;
    writeFileSync(file, keepalivedConf(node, '198.51.100.10'));
    const loaded = loadKeepalivedConfig(file, { host: fixedHost(['eth0']) });
    const inst = loaded.model?.vrrpInstances[0];
    assert.ok(inst !== undefined, `the demo keepalived.conf loads: ${JSON.stringify(loaded.diagnostics)}`);
    assert.equal(inst.version, 3);
    const advertMs = inst.advertIntCs * 10;
    return 3 * advertMs + ((256 - inst.priority) * advertMs) / 256;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `pid` still runs: a zombie (killed, not yet reaped by init after its parent died) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids among `pids` still running after up to a second (SIGKILL is asynchronous). */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 20 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

describe('npm run demo', { skip: requireRoot(['tcpdump', 'arping', 'sysctl']) }, () => {
  test('traffic flows through the VIP to both backends, a kill -9 fails over near Master_Down_Interval, nothing is left behind', async () => {
    const mdi = backupMasterDownMs();
    const started = Date.now();
    const run = await runDemo();
    const out = run.stdout;
    const elapsed = Date.now() - started;
    const context = `\n--- stdout ---\n${out}\n--- stderr ---\n${run.stderr}`;
    assert.equal(run.code, 0, `the demo exits 0${context}`);
    assert.ok(elapsed < 60_000, `the demo took ${elapsed} ms${context}`);

    // Requests flowed through the VIP to both backends, in nginx.conf's 2:1 weights.
    const req =
      /requests: (\d+) sent at \d+\/s, (\d+) answered \(web1 (\d+), web2 (\d+)\), (\d+) failed/.exec(out);
    assert.ok(req !== null, `a request summary${context}`);
    const [sent, answered, web1, web2] = req.slice(1, 5).map(Number) as [number, number, number, number];
    assert.ok(sent >= 500, `at least 5 s of traffic at 100/s, sent ${sent}${context}`);
    assert.ok(answered >= sent * 0.9, `most requests answered: ${answered} of ${sent}${context}`);
    assert.ok(web1 > 0 && web2 > 0, `both backends answered${context}`);
    assert.ok(Math.abs(web1 / web2 - 2) < 0.2, `weight 2:1 → ${web1}:${web2}${context}`);

    // The live lines show lb1 as master, then lb2 after the kill.
    const masters = [...out.matchAll(/^\s+\d+\.\ds\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+ ms\s+(\S+)$/gm)].map(
      (m) => m[1],
    );
    assert.ok(masters.length >= 8, `a live line per second${context}`);
    const firstLb2 = masters.indexOf('lb2');
    assert.ok(masters.indexOf('lb1') === 0 && firstLb2 > 0, `lb1 master first, then lb2${context}`);

    // A failover happened, within [MDI − 10 ms, MDI + 300 ms] of lb1's last advert, and the failed
    // requests are counted.
    const crash =
      /crash of lb1 \(kill -9\): failover time (\d+) ms \(Master_Down_Interval ([\d.]+) ms\), failed requests (\d+)/.exec(
        out,
      );
    assert.ok(crash !== null, `a failover summary${context}`);
    const failover = Number(crash[1]);
    assert.equal(
      Number(crash[2]),
      Number(mdi.toFixed(1)),
      'the printed Master_Down_Interval is the configured one',
    );
    assert.ok(
      failover >= mdi - 10 && failover <= mdi + 300,
      `failover ${failover} ms outside [${mdi - 10}, ${mdi + 300}] (MDI ${mdi} ms)${context}`,
    );
    assert.match(
      out,
      /graceful stop of lb1: lb2 took over \d+ ms after the priority-0 advert, failed requests \d+/,
    );

    // Nothing left behind: no namespace of this run, no process it started, no temp directory.
    const clean = /Cleaned up: (\d+) namespaces, (\d+) processes \(pids ([\d ]+)\), (\S+)/.exec(out);
    assert.ok(clean !== null, `a cleanup line${context}`);
    assert.equal(Number(clean[1]), 6, 'bridge, lb1, lb2, web1, web2, client');
    assert.deepEqual(
      listNamespaces().filter((ns) => ns.startsWith(`tdemo-${run.pid}-`)),
      [],
      'no demo namespace left',
    );
    const pids = (clean[3] ?? '').trim().split(' ').map(Number);
    assert.equal(pids.length, Number(clean[2]));
    assert.deepEqual(await survivors(pids), [], 'no demo process left');
    assert.equal(existsSync(clean[4] ?? ''), false, 'temp directory removed');
  });

  test('Ctrl-C in the middle removes the namespaces, processes and temp files too', async () => {
    const child = spawn(process.execPath, [demoMain], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid ?? 0;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => {
        resolve({ code, signal });
      }),
    );
    const deadline = Date.now() + 30_000;
    while (!out.includes('Steady traffic') && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /Steady traffic/, 'the demo got as far as sending traffic');
    const tmp = /configs (\S+)\/keepalived-lb/.exec(out)?.[1] ?? '';
    const mine = listNamespaces().filter((ns) => ns.startsWith(`tdemo-${pid}-`));
    assert.equal(mine.length, 6, 'the lab is up while it runs');
    const pids = mine.flatMap((ns) =>
      hostSync('ip', ['netns', 'pids', ns])
        .split(/\s+/)
        .filter((p) => p !== ''),
    );
    assert.ok(pids.length >= 6, `nodes, backends, client and tcpdump run: ${pids.join(' ')}`);
    child.kill('SIGINT');
    const exit = await exited;
    assert.ok(
      exit.signal === 'SIGINT' || exit.code === 130,
      `ended by the interrupt: ${JSON.stringify(exit)}`,
    );
    assert.match(out, /Interrupted: removing the demo namespaces, processes and temp files/);
    assert.deepEqual(
      listNamespaces().filter((ns) => ns.startsWith(`tdemo-${pid}-`)),
      [],
    );
    assert.deepEqual(await survivors(pids.map(Number)), [], 'no demo process left');
    assert.equal(existsSync(tmp), false, `temp directory ${tmp} removed`);
  });
});
