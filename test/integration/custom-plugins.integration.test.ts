import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDaemon } from '../helpers/daemon.js';
import { getBody as get } from '../helpers/http-get.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';

// The example plugins as a user loads them: the compiled files under dist/examples/custom-plugin.
const pluginFile = (name: string) => join(repoRoot, 'dist', 'examples', 'custom-plugin', `${name}.js`);
const dir = mkdtempSync(join(tmpdir(), 'tandem-custom-plugins-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback HTTP server answering `status()` with `body` after `delayMs`. */
function server(body: string, delayMs: number, status: () => number = () => 200): Promise<Server> {
  const s = createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      res.statusCode = status();
      res.end(body);
    }, delayMs);
  });
  cleanups.push(() => new Promise((r) => s.close(r)));
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

// For the tests that never serve: an upstream `app` the `balancer` line can name.
const checkOnlyNginx = join(dir, 'check-only.nginx.conf');
writeFileSync(
  checkOnlyNginx,
  'events {}\nhttp {\n    upstream app { server 127.0.0.1:9; }\n    server { listen 127.0.0.1:9; location / { proxy_pass http://app; } }\n}\n',
);

const portOf = (s: Server) => (s.address() as AddressInfo).port;

interface EventLine {
  readonly event: string;
  readonly name?: string;
  readonly up?: boolean;
  readonly reason?: string;
  readonly ok?: boolean;
}

function events(file: string): EventLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as EventLine);
}

/** Polls the event log until `pred` holds for its lines (bounded: fails after `ms`). */
async function waitForEvents(
  file: string,
  pred: (e: EventLine[]) => boolean,
  ms = 8_000,
): Promise<EventLine[]> {
  const end = Date.now() + ms;
  for (;;) {
    const e = events(file);
    if (pred(e)) return e;
    if (Date.now() > end)
      throw new Error(`event log never matched; it holds:\n${JSON.stringify(e, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const trackerEdges = (e: EventLine[]) =>
  e.filter((x) => x.event === 'tracker.changed' && x.name === 'chk_app').map((x) => x.up);

describe('the example custom plugins, loaded into a real daemon', () => {
  it('balances to the fast backend, tracks a flipping URL, and logs both on the bus', async () => {
    const fast = await server('fast', 0);
    const slow = await server('slow', 150);
    let healthStatus = 200;
    const health = await server('health', 0, () => healthStatus);
    const port = await freePort();
    const nginx = join(dir, 'nginx.conf');
    writeFileSync(
      nginx,
      `events {}
http {
    upstream app {
        server 127.0.0.1:${portOf(slow)};
        server 127.0.0.1:${portOf(fast)};
    }
    server {
        listen 127.0.0.1:${port};
        location / { proxy_pass http://app; }
    }
}
`,
    );
    const eventFile = join(dir, 'events.jsonl');
    const conf = join(dir, 'tandem.conf');
    // The tracker comes from tandem.conf's `plugin`; the strategy and the listener from --plugin.
    writeFileSync(
      conf,
      `nginx nginx.conf;
plugin ${pluginFile('http-check')};
http_check chk_app {
    url http://127.0.0.1:${portOf(health)}/healthz;
    interval 300ms;
    timeout 250ms;
    expect 200;
    rise 1;
    fall 2;
    init_fail;
}
balancer app fastest;
event_log events.jsonl;
`,
    );
    const d = startDaemon([
      '-c',
      conf,
      '--plugin',
      pluginFile('fastest-backend'),
      '--plugin',
      pluginFile('event-log'),
    ]);
    cleanups.push(() => d.stop('SIGKILL'));
    await d.waitFor('Starting Tandem');
    for (let i = 0; i < 100 && (await get(port)).startsWith('ERR'); i++)
      await new Promise((r) => setTimeout(r, 50));

    // Strategy: round robin would give 20 and 20; "fastest" measures both, then keeps to the fast one.
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push(await get(port));
    const count = (x: string) => answers.filter((a) => a === x).length;
    assert.equal(count('fast') + count('slow'), 40, answers.join(' '));
    // (Both were measured: the first requests, the start-up probe included, went round robin.)
    assert.ok(count('fast') >= 36, `fast ${count('fast')}, slow ${count('slow')}: ${answers.join(' ')}`);

    // Tracker: up while the URL answers 200, down after two 500s (fall 2), up again after one 200.
    // (init_fail: it starts down without an edge, so a first check slowed by a loaded host is no edge.)
    await waitForEvents(eventFile, (e) => trackerEdges(e).includes(true));
    healthStatus = 500;
    const down = await waitForEvents(eventFile, (e) => trackerEdges(e).at(-1) === false);
    assert.equal(down.filter((x) => x.event === 'tracker.changed').at(-1)?.reason, 'status 500');
    healthStatus = 200;
    const up = await waitForEvents(eventFile, (e) => trackerEdges(e).at(-1) === true);
    // Edges only: up, down, up, each once (the bus carries changes, not every check).
    assert.deepEqual(trackerEdges(up), [true, false, true]);

    // The listener hears reloads too.
    d.child.kill('SIGHUP');
    await waitForEvents(eventFile, (e) => e.some((x) => x.event === 'config.reloaded' && x.ok === true));
    // A plugin directive its plugin refuses on reload: located error, the running config keeps serving.
    const good = readFileSync(conf, 'utf8');
    writeFileSync(conf, good.replace('interval 300ms;', 'interval never;'));
    d.child.kill('SIGHUP');
    await d.waitFor(/tandem\.conf:5:5: "interval" needs one time such as 500ms or 2s/);
    await waitForEvents(eventFile, (e) => e.some((x) => x.event === 'config.reloaded' && x.ok === false));
    assert.equal(await get(port), 'fast');
    assert.equal(await d.stop('SIGTERM'), 0);
    assert.doesNotMatch(d.output(), /bus listener .* threw/);
  });

  it('refuses to start on a missing plugin file, located at its tandem.conf line, without a stack trace', async () => {
    const conf = join(dir, 'missing.conf');
    writeFileSync(conf, `# plugins\nplugin ./no-such-plugin.js;\n`);
    const d = startDaemon(['-c', conf]);
    cleanups.push(() => d.stop('SIGKILL'));
    const code = await new Promise<number | null>((r) => d.child.once('exit', r));
    assert.equal(code, 1);
    assert.match(
      d.output(),
      new RegExp(`missing\\.conf:2:8: cannot load plugin ".*no-such-plugin\\.js": no such file`),
    );
    assert.match(d.output(), /not starting/);
    assert.doesNotMatch(d.output(), /\n\s+at /);
  });

  it('refuses to start on a plugin that throws while loading, naming it and the error', async () => {
    const bad = join(dir, 'throws.mjs');
    writeFileSync(bad, `throw new Error('cannot reach the license server');\n`);
    const d = startDaemon(['--plugin', bad, '--nginx', checkOnlyNginx]);
    cleanups.push(() => d.stop('SIGKILL'));
    const code = await new Promise<number | null>((r) => d.child.once('exit', r));
    assert.equal(code, 1);
    assert.match(
      d.output(),
      /--plugin .*throws\.mjs: cannot load plugin ".*throws\.mjs": cannot reach the license server/,
    );
    assert.doesNotMatch(d.output(), /\n\s+at /);
  });

  it('-t passes the example loopback tandem.conf, plugins included', async () => {
    const d = startDaemon(['-t', '-c', join(repoRoot, 'examples', 'custom-plugin', 'loopback.tandem.conf')]);
    assert.equal(await new Promise<number | null>((r) => d.child.once('exit', r)), 0, d.output());
  });

  it('-t refuses a plugin directive when its plugin is not loaded, and a method no plugin provides', async () => {
    const conf = join(dir, 'unowned.conf');
    writeFileSync(conf, `nginx ${checkOnlyNginx};\nevent_log events.jsonl;\nbalancer app fastest;\n`);
    const d = startDaemon(['-t', '-c', conf]);
    const code = await new Promise<number | null>((r) => d.child.once('exit', r));
    assert.equal(code, 1);
    assert.match(d.output(), /unowned\.conf:2:1: unknown directive "event_log"/);
    assert.match(d.output(), /unowned\.conf:3:1: no loaded plugin provides balancing method "fastest"/);
    // With the plugins loaded, the same file passes.
    const ok = startDaemon([
      '-t',
      '-c',
      conf,
      '--plugin',
      pluginFile('event-log'),
      '--plugin',
      pluginFile('fastest-backend'),
    ]);
    assert.equal(await new Promise<number | null>((r) => ok.child.once('exit', r)), 0, ok.output());
  });
});
