import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import {
  Metrics,
  TandemError,
  createAdminServer,
  createMemoryLogger,
  startAdminServer,
  type AdminServer,
  type LogRecord,
} from '../../src/index.js';
import { AUTH_PASS, FakeSource, TOKEN } from './fake-source.js';
import { parsePromText, valueOf } from './prom-text.js';

/** Everything any admin response said, headers included, and every log line: grepped for secrets. */
const seen: string[] = [];
const logs: LogRecord[][] = [];

function build(token?: string): { server: AdminServer; source: FakeSource } {
  const source = new FakeSource();
  const { logger, records } = createMemoryLogger('debug');
  logs.push(records);
  const metrics = new Metrics({ processMetrics: false });
  const server = createAdminServer({
    source,
    metrics,
    log: logger,
    token,
    version: '9.9.9',
    hostname: 'lb1',
  });
  return { server, source };
}

async function call(
  server: AdminServer,
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string> = {},
  payload?: string,
) {
  const res = await server.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  seen.push(JSON.stringify(res.headers), res.body);
  return res;
}

const PEER = '/api/upstreams/backend/servers/127.0.0.1%3A8082';

describe('admin server routes', () => {
  it('serves /healthz, /status, /metrics and the dashboard on loopback without a token', async () => {
    const { server } = build();
    assert.equal((await call(server, 'GET', '/healthz')).body, 'ok\n');
    const status = (await call(server, 'GET', '/status')).json<{
      hostname: string;
      instances: { name: string; state: string; vips: { address: string }[] }[];
      upstreams: { peers: { server: string; state: string }[] }[];
    }>();
    assert.equal(status.hostname, 'lb1');
    assert.equal(status.instances[0]?.state, 'MASTER');
    assert.deepEqual(
      status.upstreams[0]?.peers.map((p) => `${p.server} ${p.state}`),
      ['127.0.0.1:8081 UP', '127.0.0.1:8082 UP', '127.0.0.1:8083 UP'],
    );
    const metrics = await call(server, 'GET', '/metrics');
    assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(valueOf(parsePromText(metrics.body), 'keepalived_up'), 1);
    const page = await call(server, 'GET', '/');
    assert.match(page.body, /<title>Tandem status<\/title>/);
    assert.match((await call(server, 'GET', '/dashboard.js')).body, /EventSource\('\/events'\)/);
    await server.close();
  });

  it('/status carries the sync groups and the listeners, read fresh on every request', async () => {
    const { server, source } = build();
    source.groups.push({ name: 'G1', state: 'MASTER', instances: ['VI_1', 'VI_2'] });
    const get = async () =>
      (await call(server, 'GET', '/status')).json<{ syncGroups: unknown[]; listeners: unknown[] }>();
    const status = await get();
    assert.deepEqual(status.syncGroups, [{ name: 'G1', state: 'MASTER', instances: ['VI_1', 'VI_2'] }]);
    assert.deepEqual(status.listeners, [
      {
        name: 'http:0.0.0.0:8080',
        kind: 'http',
        address: '0.0.0.0',
        port: 8080,
        bound: true,
        follows: 'VI_1',
        activeConnections: 2,
      },
    ]);
    // A group entering FAULT shows on the next request (no cached document).
    source.groups[0]!.state = 'FAULT';
    assert.deepEqual((await get()).syncGroups, [{ name: 'G1', state: 'FAULT', instances: ['VI_1', 'VI_2'] }]);
    await server.close();
  });

  it('/config masks auth_pass and the token', async () => {
    const { server } = build();
    const res = await call(server, 'GET', '/config');
    assert.equal(res.statusCode, 200);
    const cfg = res.json<{
      keepalived: { instances: { authPass: string }[] };
      tandem: { admin: { token: string } };
    }>();
    assert.equal(cfg.keepalived.instances[0]?.authPass, '***');
    assert.equal(cfg.tandem.admin.token, '***');
    await server.close();
  });

  it('requires the bearer token when one is configured: 401 without or wrong, 200 with', async () => {
    const { server } = build(TOKEN);
    for (const url of ['/status', '/metrics', '/config', '/', '/events', '/dashboard.js']) {
      const res = await call(server, 'GET', url);
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="tandem"');
    }
    assert.equal((await call(server, 'GET', '/status', { authorization: 'Bearer nope' })).statusCode, 401);
    assert.equal((await call(server, 'POST', `${PEER}/drain`)).statusCode, 401);
    assert.equal(
      (await call(server, 'GET', '/status', { authorization: `Bearer ${TOKEN}` })).statusCode,
      200,
    );
    assert.equal(
      (await call(server, 'GET', '/metrics', { authorization: `bearer ${TOKEN}` })).statusCode,
      200,
    );
    assert.equal((await call(server, 'GET', '/healthz')).statusCode, 200, '/healthz stays open for probes');
    await server.close();
  });

  it('lets a browser sign in: the cookie holds a digest, never the token', async () => {
    const { server } = build(TOKEN);
    const page = await call(server, 'GET', '/', { accept: 'text/html' });
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/login');
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal((await call(server, 'POST', '/login', form, 'token=wrong')).statusCode, 401);
    const ok = await call(server, 'POST', '/login', form, `token=${encodeURIComponent(TOKEN)}`);
    assert.equal(ok.statusCode, 303);
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    assert.match(String(ok.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await call(server, 'GET', '/status', { cookie })).statusCode, 200);
    assert.equal((await call(server, 'GET', '/status', { cookie: 'tandem_admin=forged' })).statusCode, 401);
    await server.close();
  });

  it('drains and undrains a peer, visible in /status and /metrics', async () => {
    const { server, source } = build();
    const drained = await call(server, 'POST', `${PEER}/drain`);
    assert.equal(drained.statusCode, 200);
    assert.deepEqual(drained.json(), { upstream: 'backend', server: '127.0.0.1:8082', drained: true });
    assert.equal(source.upstream.peers[1]?.drained, true);
    const status = (await call(server, 'GET', '/status')).json<{
      upstreams: { peers: { state: string }[] }[];
    }>();
    assert.equal(status.upstreams[0]?.peers[1]?.state, 'DRAIN');
    const m = parsePromText((await call(server, 'GET', '/metrics')).body);
    const labels = { upstream: 'backend', server: '127.0.0.1:8082' };
    assert.equal(valueOf(m, 'tandem_server_status', { ...labels, state: 'DRAIN' }), 1);
    assert.equal((await call(server, 'POST', `${PEER}/undrain`)).statusCode, 200);
    assert.equal(source.upstream.peers[1].drained, false);
    const back = parsePromText((await call(server, 'GET', '/metrics')).body);
    assert.equal(valueOf(back, 'tandem_server_status', { ...labels, state: 'UP' }), 1);
    assert.equal(
      (await call(server, 'POST', '/api/upstreams/backend/servers/10.9.9.9%3A1/drain')).statusCode,
      404,
    );
    assert.equal((await call(server, 'POST', '/api/upstreams/nope/servers/x/drain')).statusCode, 404);
    await server.close();
  });

  it('refuses a control request from another web origin (CSRF) but takes a same-origin one', async () => {
    const { server, source } = build();
    const evil = await call(server, 'POST', `${PEER}/drain`, { origin: 'http://evil.example' });
    assert.equal(evil.statusCode, 403);
    assert.equal(source.upstream.peers[1]?.drained, false);
    const same = await call(server, 'POST', `${PEER}/drain`, {
      origin: 'http://localhost:9100',
      host: 'localhost:9100',
    });
    assert.equal(same.statusCode, 200);
    await server.close();
  });

  it('pushes a new status event to /events subscribers as soon as a peer is drained', async () => {
    const { server } = build();
    const { port } = await server.listen('127.0.0.1', 0);
    const events: string[] = [];
    let wake: () => void = () => undefined;
    const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          events.push(buf.slice(0, i));
          buf = buf.slice(i + 2);
          wake();
        }
      });
    });
    req.end();
    const next = async (n: number) => {
      while (events.length < n) await new Promise<void>((r) => (wake = r));
      return events[n - 1]!;
    };
    assert.match(await next(1), /^retry: 1000\nevent: status\ndata: \{.*"state":"MASTER"/s);
    const res = await fetch(`http://127.0.0.1:${port}${PEER}/drain`, { method: 'POST' });
    assert.equal(res.status, 200);
    const second = await next(2);
    const doc = JSON.parse(second.replace(/^event: status\ndata: /, '')) as {
      upstreams: { peers: { state: string }[] }[];
    };
    assert.equal(doc.upstreams[0]?.peers[1]?.state, 'DRAIN');
    req.destroy();
    await server.close();
  });
});

describe('listening policy', () => {
  it('refuses a non-loopback address without a token, naming the address', async () => {
    const { logger } = createMemoryLogger();
    const options = {
      source: new FakeSource(),
      metrics: new Metrics({ processMetrics: false }),
      log: logger,
    };
    await assert.rejects(startAdminServer({ host: '0.0.0.0', port: 9100 }, options), (err: unknown) => {
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, 'TANDEM_ERR_ADMIN_LISTEN');
      assert.match(err.message, /refuses to listen on 0\.0\.0\.0:9100 without a token/);
      return true;
    });
    const ok = await startAdminServer({ host: '127.0.0.1', port: 0 }, options);
    await ok.close();
  });

  it('tandem.conf: a located diagnostic for admin on a public address without a token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-admin-'));
    const file = join(dir, 'tandem.conf');
    writeFileSync(file, 'log { level info; }\nadmin 0.0.0.0:9100;\n');
    const loaded = loadConfig({ tandemFile: file });
    assert.equal(loaded.model, undefined);
    const lines = loaded.diagnostics.map(formatDiagnostic);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`^${file}:2:7: admin server refuses to listen on 0\\.0\\.0\\.0:9100`));

    writeFileSync(file, `admin 0.0.0.0:9100 token=${TOKEN};\n`);
    const withToken = loadConfig({ tandemFile: file });
    assert.deepEqual(withToken.diagnostics, []);
    // --admin moves the server but keeps tandem.conf's token.
    const moved = loadConfig({ tandemFile: file, admin: { host: '0.0.0.0', port: 9200 } });
    assert.equal(moved.model?.tandem.admin?.token, TOKEN);
    assert.equal(moved.model.tandem.admin.port, 9200);
  });
});

after(() => {
  // No secret in any response (bodies and headers) or any log line, whatever the route or outcome.
  const logText = logs.flat().map((r) => `${r.msg} ${JSON.stringify(r.fields)}`);
  assert.ok(seen.length > 40 && logText.length > 0);
  for (const text of [...seen, ...logText]) {
    assert.ok(!text.includes(TOKEN), `token leaked: ${text.slice(0, 200)}`);
    assert.ok(!text.includes(AUTH_PASS), `auth_pass leaked: ${text.slice(0, 200)}`);
  }
});
