import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NetLab, listNamespaces } from '../helpers/netns.js';
import { parseEthernet, parseIpv4 } from '../helpers/pcap.js';
import { repoRoot } from '../helpers/paths.js';
import { requireRoot } from '../helpers/require-root.js';

const childFile = join(repoRoot, 'dist', 'test', 'net', 'harness-child.js');

/** Whether a pid is a live process (a zombie awaiting its reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface ChildReport {
  namespaces: string[];
  pids: number[];
}

/** Runs the child test file directly (node:test runs it in-process) and waits for its report. */
function runChild(mode: 'throw' | 'hang', report: string) {
  const child = spawn(process.execPath, [childFile], {
    env: { ...process.env, TANDEM_LAB_REPORT: report, TANDEM_LAB_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    }),
  );
  const reported = (async (): Promise<ChildReport> => {
    for (let i = 0; i < 200 && !existsSync(report); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 50));
    return JSON.parse(readFileSync(report, 'utf8')) as ChildReport;
  })();
  return { child, exited, reported, output: () => output };
}

function assertGone(r: ChildReport): void {
  assert.equal(r.namespaces.length, 2);
  const left = listNamespaces();
  for (const ns of r.namespaces) assert.ok(!left.includes(ns), `namespace ${ns} left behind`);
  for (const pid of r.pids) assert.ok(!alive(pid), `process ${pid} left behind`);
}

describe('namespace harness', { skip: requireRoot(['tcpdump']) }, () => {
  const lab = NetLab.create('harness', after);

  test('two namespaces on a bridge exchange TCP on 198.51.100.0/24, seen by tcpdump', async () => {
    const lan = await lab.addBridge();
    const a = await lab.addNamespace('a');
    const b = await lab.addNamespace('b');
    await lab.attach(a, 'eth0', lan, ['198.51.100.1/24']);
    await lab.attach(b, 'eth0', lan, ['198.51.100.2/24']);
    const cap = await lab.capture(b, 'eth0', 'tcp port 5555');
    const server = lab.spawn(b, process.execPath, [
      '-e',
      `require('net').createServer(s => s.on('data', d => { s.end('echo:' + d); })).listen(5555, '198.51.100.2', () => console.log('ready'))`,
    ]);
    await server.waitForOutput(/ready/);
    const client = await lab.exec(a, process.execPath, [
      '-e',
      `const s = require('net').connect(5555, '198.51.100.2', () => s.write('hello')); s.on('data', d => process.stdout.write(d)); s.on('end', () => s.end())`,
    ]);
    assert.equal(client.code, 0, client.stderr);
    assert.equal(client.stdout, 'echo:hello');
    const frames = await cap.stop();
    const syn = frames.map((f) => parseIpv4(parseEthernet(f.data).payload)).find((p) => p.protocol === 6);
    assert.ok(syn, 'tcpdump saw the TCP exchange');
    assert.equal(syn.src, '198.51.100.1');
    assert.equal(syn.dst, '198.51.100.2');
    await server.stop();
    assert.ok(!alive(server.pid));
  });

  test('refuses addresses outside the documentation ranges', async () => {
    const ns = await lab.addNamespace('c');
    await assert.rejects(lab.addAddress(ns, 'lo', '10.0.0.1/8'), /outside the test address ranges/);
  });

  test('a test that throws midway leaves no namespace and no process behind', async () => {
    const run = runChild('throw', join(lab.tmp, 'throw.json'));
    const exit = await run.exited;
    assert.notEqual(exit.code, 0, 'the child test failed');
    assert.match(run.output(), /deliberate failure midway/);
    assertGone(await run.reported);
  });

  test('an interrupted run (SIGTERM, SIGINT) cleans up through the exit handlers', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const run = runChild('hang', join(lab.tmp, `${sig}.json`));
      const r = await run.reported;
      assert.ok(
        r.namespaces.every((ns) => listNamespaces().includes(ns)),
        'lab exists while running',
      );
      run.child.kill(sig);
      const exit = await run.exited;
      assert.equal(exit.signal, sig);
      assertGone(r);
    }
  });

  test('requireRoot: a loud skip locally, a failure under CI=true (run as nobody)', async () => {
    const mod = join(repoRoot, 'dist', 'test', 'helpers', 'require-root.js');
    const code = `import(${JSON.stringify(mod)}).then((m) => console.log('skip=' + m.requireRoot(['tcpdump'])))`;
    const asNobody = (ci: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(
          'setpriv',
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', code],
          {
            env: { ...process.env, CI: ci },
          },
        );
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (out += d.toString()));
        c.on('close', (status) => {
          resolve({ code: status, out });
        });
      });
    const local = await asNobody('');
    assert.equal(local.code, 0);
    assert.match(local.out, /\*\*\* SKIPPING network tests: network tests need root/);
    assert.match(local.out, /skip=network tests need root/);
    const ci = await asNobody('true');
    assert.notEqual(ci.code, 0);
    assert.match(ci.out, /CI=true and network tests need root/);
  });

  test('a SIGKILLed run leaves stale namespaces that the next lab with that prefix removes', async () => {
    const run = runChild('hang', join(lab.tmp, 'kill.json'));
    const r = await run.reported;
    run.child.kill('SIGKILL');
    await run.exited;
    assert.ok(
      r.namespaces.every((ns) => listNamespaces().includes(ns)),
      'SIGKILL cannot clean up',
    );
    const next = NetLab.create('hchild');
    assertGone(r);
    next.destroySync();
  });
});
