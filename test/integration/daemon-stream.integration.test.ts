import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/nginx-process.js';
import { connectGreeted, namedBackend } from '../helpers/tcp-backends.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-daemon-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function streamConf(listenPort: number, backendPorts: readonly number[]): string {
  return `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
stream {
    upstream db {
${backendPorts.map((p) => `        server 127.0.0.1:${p};`).join('\n')}
    }
    server {
        listen 127.0.0.1:${listenPort};
        proxy_pass db;
    }
}
`;
}

describe('the daemon with an nginx stream config', () => {
  it('proxies, reloads on SIGHUP keeping the socket, keeps running on a bad reload, and stops on SIGTERM', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    const pidFile = join(dir, 'tandem.pid');
    writeFileSync(conf, streamConf(port, [a.port]));
    const d: RunningDaemon = startDaemon(['--nginx', conf, '-p', pidFile]);
    cleanups.push(() => d.stop('SIGKILL'));
    await d.waitFor('Starting Tandem');
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(d.child.pid), 'pid file written once bound');
    const first = await connectGreeted(port);
    assert.equal(first.greeting, 'a');
    first.socket.destroy();
    const held = await connectGreeted(port);

    writeFileSync(conf, streamConf(port, [b.port]));
    d.child.kill('SIGHUP');
    await d.waitFor('Reload finished');
    const next = await connectGreeted(port);
    assert.equal(next.greeting, 'b', 'new sessions use the reloaded upstream');
    next.socket.destroy();
    const echo = new Promise<string>((r) => held.socket.once('data', (x) => r(x.toString())));
    held.socket.write('ping\n');
    assert.equal(await echo, 'ping\n', 'a session from before the reload keeps working');

    writeFileSync(
      conf,
      'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nstream {\n    server { listen 127.0.0.1:1; proxy_pass nowhere:;\n',
    );
    d.child.kill('SIGHUP');
    await d.waitFor('keeping the running configuration');
    assert.match(d.output(), /nginx\.conf:\d+:\d+: /, 'the bad file is reported with a location');
    const still = await connectGreeted(port);
    assert.equal(still.greeting, 'b', 'the old configuration keeps serving');
    still.socket.destroy();

    held.socket.destroy();
    assert.equal(await d.stop('SIGTERM'), 0);
    assert.ok(!existsSync(pidFile), 'pid file removed on exit');
    assert.doesNotMatch(d.output(), /\n\s+at /, 'no stack trace in the log');
  });
});
