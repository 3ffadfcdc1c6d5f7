import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { getBody } from '../helpers/http-get.js';
import { freePort } from '../helpers/nginx-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-http-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function backend(name: string): Promise<Server> {
  const s = createServer((req, res) => {
    req.resume();
    res.end(name);
  });
  cleanups.push(() => new Promise((r) => s.close(r)));
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

describe('the daemon with an nginx http config', () => {
  it('serves through a SIGHUP reload without failing one request, then balances by the new weights', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    const write = (wa: number, wb: number) =>
      writeFileSync(
        conf,
        `events {}
http {
    upstream app {
        server 127.0.0.1:${(a.address() as AddressInfo).port} weight=${wa};
        server 127.0.0.1:${(b.address() as AddressInfo).port} weight=${wb};
    }
    server {
        listen 127.0.0.1:${port};
        location / { proxy_pass http://app; }
    }
}
`,
      );
    write(1, 1);
    const d = startDaemon(['--nginx', conf]);
    cleanups.push(() => d.stop('SIGKILL'));
    await d.waitFor('Starting Tandem');
    for (let i = 0; i < 100 && (await getBody(port)).startsWith('ERR'); i++)
      await new Promise((r) => setTimeout(r, 50));

    // A bounded load loop (at most 3 s, 4 concurrent clients) with reloads in the middle of it.
    const results: string[] = [];
    let running = true;
    const loop = async () => {
      const end = Date.now() + 3_000;
      while (running && Date.now() < end) results.push(await getBody(port));
    };
    const clients = [loop(), loop(), loop(), loop()];
    await new Promise((r) => setTimeout(r, 300));
    write(3, 1);
    d.child.kill('SIGHUP');
    await d.waitFor('Reload finished');
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(clients);
    const failed = results.filter((r) => r.startsWith('ERR'));
    assert.ok(results.length > 100, `only ${results.length} requests`);
    assert.deepEqual(failed, [], `${failed.length} of ${results.length} requests failed`);

    const after: string[] = [];
    for (let i = 0; i < 8; i++) after.push(await getBody(port));
    // Smooth weighted round robin at 3:1 gives exactly three a and one b in every cycle of four picks.
    assert.deepEqual(
      [after.filter((x) => x === 'a').length, after.filter((x) => x === 'b').length],
      [6, 2],
      after.join(' '),
    );
    assert.equal(await d.stop('SIGTERM'), 0);
  });
});
