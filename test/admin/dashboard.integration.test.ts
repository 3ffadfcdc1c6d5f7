import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Metrics, createAdminServer, createMemoryLogger, type AdminServer } from '../../src/index.js';
import { CdpSession } from '../helpers/cdp.js';
import { repoRoot } from '../helpers/paths.js';
import { FakeSource } from './fake-source.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) {
  const msg = `dashboard test: ${CHROMIUM} not found (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(msg);
  process.stderr.write(`\n*** SKIPPING ${msg} ***\n\n`);
}

/** Polls `check` until it returns true or `ms` pass; returns the time it took. */
async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - start;
}

describe('dashboard in headless Chromium', { skip: !present }, () => {
  let server: AdminServer;
  let base = '';
  let browser: ChildProcess | undefined;
  let page: CdpSession | undefined;
  let profile = '';
  const source = new FakeSource();

  before(async () => {
    source.instance.trackers = [
      ...source.instance.trackers,
      { kind: 'interface', name: 'eth1', up: true, reason: 'link up', weight: -20 },
    ];
    const failed = source.upstream.peers[2]!;
    Object.assign(failed, { failed: true, available: false, fails: 1 });
    const { logger } = createMemoryLogger();
    server = createAdminServer({
      source,
      metrics: new Metrics({ processMetrics: false }),
      log: logger,
      version: '0.1.0',
      hostname: 'lb1',
      pushIntervalMs: 250,
    });
    const { port } = await server.listen('127.0.0.1', 0);
    base = `http://127.0.0.1:${port}`;

    profile = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
    browser = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--remote-debugging-port=0',
        '--window-size=1400,900',
        'about:blank',
      ],
      { stdio: 'ignore', detached: true },
    );
    const portFile = join(profile, 'DevToolsActivePort');
    await waitFor(
      () => Promise.resolve(existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n')),
      15_000,
      'DevTools',
    );
    const devtoolsPort = readFileSync(portFile, 'utf8').split('\n')[0]!;
    const targets = (await (await fetch(`http://127.0.0.1:${devtoolsPort}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.type === 'page');
    assert.ok(target, 'chromium has a page target');
    page = await CdpSession.connect(target.webSocketDebuggerUrl);
    await page.send('Emulation.setDeviceMetricsOverride', {
      width: 1400,
      height: 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await page.send('Page.navigate', { url: `${base}/` });
  });

  after(async () => {
    page?.close();
    await server.close();
    if (browser?.pid !== undefined) {
      const child = browser;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-browser.pid, 'SIGTERM'); // the group we started: chromium and its helpers
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(profile, { recursive: true, force: true });
  });

  const stateOf = (selector: string) =>
    page!.evaluate<string | null>(
      `document.querySelector('${selector}')?.getAttribute('data-state') ?? null`,
    );

  it('shows the MASTER instance, its VIPs and trackers, and the upstream peers', async () => {
    await waitFor(
      async () => (await stateOf('tr[data-instance="VI_1"]')) === 'MASTER',
      10_000,
      'VI_1 MASTER',
    );
    const text = await page!.evaluate<string>('document.body.innerText');
    assert.match(text, /203\.0\.113\.10\/24 dev eth0/);
    assert.match(text, /script chk_nginx \(\+10\)/);
    assert.match(text, /live/);
    const peers = await page!.evaluate<string[]>(
      `[...document.querySelectorAll('tr[data-upstream="backend"]')].map(r => r.dataset.server + ' ' + r.dataset.state)`,
    );
    assert.deepEqual(peers, ['127.0.0.1:8081 UP', '127.0.0.1:8082 UP', '127.0.0.1:8083 DOWN']);
  });

  it('updates within a second when a peer is drained through the API, then keeps a screenshot', async () => {
    const peer = 'tr[data-server="127.0.0.1:8082"]';
    assert.equal(await stateOf(peer), 'UP');
    const res = await fetch(`${base}/api/upstreams/backend/servers/127.0.0.1%3A8082/drain`, {
      method: 'POST',
    });
    assert.equal(res.status, 200);
    const took = await waitFor(async () => (await stateOf(peer)) === 'DRAIN', 1000, 'the DRAIN row');
    assert.ok(took < 1000, `took ${took} ms`);
    // A VRRP change arrives the same way (the periodic check, no poke).
    source.become('BACKUP', Date.now());
    await waitFor(async () => (await stateOf('tr[data-instance="VI_1"]')) === 'BACKUP', 1000, 'BACKUP');
    source.become('MASTER', Date.now());
    await waitFor(async () => (await stateOf('tr[data-instance="VI_1"]')) === 'MASTER', 1000, 'MASTER again');

    const shot = await page!.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    const dir = join(repoRoot, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    const png = Buffer.from(shot.data, 'base64');
    writeFileSync(join(dir, 'admin-dashboard.png'), png);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
  });
});
