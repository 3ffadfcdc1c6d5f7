import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

/** `npm start`'s command, from package.json, with `node` as this Node (what npm would run). */
function startCommand(): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (pkg.scripts.start ?? '').split(/\s+/).filter((w) => w.length > 0);
  assert.equal(words[0], 'node', `npm start should run node: ${pkg.scripts.start ?? ''}`);
  return [process.execPath, ...words.slice(1)];
}

/** The pids of every process below `pid`, from /proc (its children, theirs, ...). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/PID/stat, after the parenthesised command (which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => {
      resolve(true);
    });
  });
}

describe('npm start (tandem --demo)', () => {
  it('prints working proxy and admin URLs, and Ctrl-C exits 0 leaving nothing behind', async () => {
    const [cmd = '', ...args] = startCommand();
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const pid = child.pid ?? 0;
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('Press Ctrl-C to stop.') && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const proxy = /proxy:\s+(http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
      const admin = /admin:\s+(http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
      const backends = /backends:\s+127\.0\.0\.1:(\d+), 127\.0\.0\.1:(\d+)/.exec(out);
      const config = /config:\s+(\S+)/.exec(out);
      assert.ok(proxy && admin && backends && config, `no URLs printed:\n${out}`);
      const proxyUrl = proxy[1] ?? '';
      const adminUrl = admin[1] ?? '';
      const kids = descendants(pid);

      // Through the proxy: nginx's weighted round robin over the two demo backends (weight 2:1).
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${proxyUrl}hello`);
        assert.equal(res.status, 200);
        answers.push(await res.text());
      }
      const a = answers.filter((b) => b.startsWith('hello from backend-a (GET /hello)')).length;
      const b = answers.filter((x) => x.startsWith('hello from backend-b (GET /hello)')).length;
      assert.deepEqual([a, b], [4, 2], answers.join(''));

      // The admin URL: the dashboard, and /status naming the demo's upstream.
      const page = await fetch(adminUrl);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      const status = await fetch(`${adminUrl}status`);
      assert.equal(status.status, 200);
      assert.match(await status.text(), /"demo"/);

      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
      assert.equal(code, 0, `exit after SIGINT:\n${out}`);
      assert.match(out, /Stopped/);
      for (const k of kids) assert.ok(!alive(k), `child process ${k} outlived the demo`);
      const ports = [proxy[2], admin[2], backends[1], backends[2]].map(Number);
      for (const port of ports) assert.ok(await refused(port), `port ${port} still accepts after exit`);
      assert.ok(!existsSync(config[1] ?? ''), 'the demo left its nginx.conf behind');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
