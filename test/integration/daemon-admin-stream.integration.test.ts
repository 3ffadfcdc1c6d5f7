import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/nginx-process.js';
import { connectGreeted, namedBackend } from '../helpers/tcp-backends.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-admin-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

interface Status {
  upstreams: {
    name: string;
    kind: string;
    peers: { server: string; drained: boolean; available: boolean; selections: number }[];
  }[];
  listeners: { name: string; bound: boolean }[];
}

async function greetings(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await connectGreeted(port);
    out.push(c.greeting);
    c.socket.destroy();
  }
  return out;
}

describe('the daemon with the admin server over a stream config', () => {
  it('shows upstreams in /status, drains a peer through the API across a reload, and counts in /metrics', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const [port, adminPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'nginx.conf');
    const write = (timeout: string) =>
      writeFileSync(
        conf,
        `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
stream {
    upstream db { server 127.0.0.1:${a.port}; server 127.0.0.1:${b.port}; }
    server { listen 127.0.0.1:${port}; proxy_pass db; proxy_timeout ${timeout}; }
}
`,
      );
    write('10m');
    const d = startDaemon(['--nginx', conf, '--admin', `127.0.0.1:${adminPort}`]);
    cleanups.push(() => d.stop('SIGKILL'));
    await d.waitFor('Starting Tandem');
    const base = `http://127.0.0.1:${adminPort}`;
    let status: Status | undefined;
    for (let i = 0; i < 100 && status === undefined; i++) {
      try {
        status = (await (await fetch(`${base}/status`)).json()) as Status;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.ok(status, 'admin server answers');
    assert.deepEqual(
      status.upstreams.map((u) => [u.name, u.kind, u.peers.map((p) => p.server)]),
      [['db', 'stream', [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]]],
    );
    assert.deepEqual(await greetings(port, 4), ['a', 'b', 'a', 'b']);

    const drainUrl = `${base}/api/upstreams/db/servers/${encodeURIComponent(`127.0.0.1:${a.port}`)}/drain`;
    assert.equal((await fetch(drainUrl, { method: 'POST' })).status, 200);
    assert.deepEqual(await greetings(port, 3), ['b', 'b', 'b'], 'new connections avoid the drained peer');

    write('5m');
    d.child.kill('SIGHUP');
    await d.waitFor('Reload finished');
    assert.deepEqual(await greetings(port, 2), ['b', 'b'], 'the drain survives the reload');
    status = (await (await fetch(`${base}/status`)).json()) as Status;
    assert.equal(status.upstreams[0]?.peers[0]?.drained, true);

    const undrain = drainUrl.replace(/drain$/, 'undrain');
    assert.equal((await fetch(undrain, { method: 'POST' })).status, 200);
    assert.ok((await greetings(port, 4)).includes('a'));

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const selections = new RegExp(
      `tandem_server_selected_total\\{upstream="db",server="127.0.0.1:${b.port}"\\} (\\d+)`,
    );
    const m = selections.exec(metrics);
    assert.ok(
      m,
      `selections metric for b in:\n${metrics
        .split('\n')
        .filter((l) => l.includes('upstream'))
        .join('\n')}`,
    );
    assert.ok(Number(m[1]) >= 7);
    assert.equal(await d.stop('SIGTERM'), 0);
  });
});
