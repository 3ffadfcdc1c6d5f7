import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parsePromText, valueOf } from '../admin/prom-text.js';
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { getBody } from '../helpers/http-get.js';
import { freePort } from '../helpers/nginx-process.js';
import { connectGreeted, namedBackend } from '../helpers/tcp-backends.js';

// Issue 10 on the real daemon: "values move as requests flow" (/metrics counters per frontend and
// per server grow by exactly the requests sent, split as the balancer chose), /status listeners,
// and "drain … (new requests avoid it, running ones finish)" for an in-flight HTTP request and an
// open stream connection.

const dir = mkdtempSync(join(tmpdir(), 'tandem-admin-flow-'));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** An HTTP backend answering its name; `/missing` is a 404; `/slow` is held until `release()`. */
interface HttpBackend {
  readonly name: string;
  readonly port: number;
  /** Requests it received, by path. */
  readonly seen: string[];
  /** Resolves when a `/slow` request arrives here. */
  slowArrived: Promise<void>;
  release(): void;
}

async function httpBackend(name: string): Promise<HttpBackend> {
  const held: ServerResponse[] = [];
  let arrived = (): void => undefined;
  const b: HttpBackend = {
    name,
    port: 0,
    seen: [],
    slowArrived: new Promise((r) => (arrived = r)),
    release: () => {
      for (const res of held.splice(0)) res.end(`${name}-slow`);
    },
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    b.seen.push(req.url ?? '');
    if (req.url === '/slow') {
      // Headers go out now; the body (and the end of the response) waits for release().
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('');
      held.push(res);
      arrived();
      return;
    }
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end(name);
  });
  cleanups.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (b as { port: number }).port = (server.address() as AddressInfo).port;
  return b;
}

/** One GET through a fresh connection: `status body`, or `ERR:code`. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${body}`));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`ERR:${e.code ?? e.message}`));
    req.setTimeout(5_000, () => req.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
    req.end();
  });
}

/** Starts the daemon on `nginx` with the admin server; resolves once /status answers. */
async function daemon(nginx: string): Promise<{ d: RunningDaemon; admin: string }> {
  const conf = join(dir, `nginx-${cleanups.length}.conf`);
  writeFileSync(conf, nginx);
  const adminPort = await freePort();
  const d = startDaemon(['--nginx', conf, '--admin', `127.0.0.1:${adminPort}`]);
  cleanups.push(() => d.stop('SIGKILL'));
  await d.waitFor('Starting Tandem');
  const admin = `http://127.0.0.1:${adminPort}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${admin}/healthz`)).ok) return { d, admin };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`admin server never answered:\n${d.output()}`);
}

const scrape = async (admin: string) => parsePromText(await (await fetch(`${admin}/metrics`)).text());

interface Status {
  upstreams: {
    name: string;
    peers: { server: string; state: string; drained: boolean; activeConnections: number; requests: number }[];
  }[];
  listeners: {
    name: string;
    kind: string;
    address: string;
    port: number;
    bound: boolean;
    follows: string | null;
    activeConnections: number;
  }[];
}
const status = async (admin: string) => (await (await fetch(`${admin}/status`)).json()) as Status;

const drain = async (admin: string, upstream: string, server: string, verb: 'drain' | 'undrain') =>
  (
    await fetch(`${admin}/api/upstreams/${upstream}/servers/${encodeURIComponent(server)}/${verb}`, {
      method: 'POST',
    })
  ).status;

describe('the daemon with the admin server over an http config', () => {
  it('counts every request in /metrics per frontend and per server, split as the balancer chose', async () => {
    const [a, b] = [await httpBackend('a'), await httpBackend('b')];
    const port = await freePort();
    const sa = `127.0.0.1:${a.port}`;
    const sb = `127.0.0.1:${b.port}`;
    const { d, admin } = await daemon(`events {}
http {
    upstream app {
        server ${sa} weight=2;
        server ${sb};
    }
    server {
        listen 127.0.0.1:${port};
        location / { proxy_pass http://app; }
    }
}
`);
    // The baseline comes first: every series exists at 0 before any traffic or /status request.
    const before = await scrape(admin);
    const st = await status(admin);
    assert.deepEqual(
      st.listeners.map((l) => [l.kind, l.address, l.port, l.bound, l.follows]),
      [['http', '127.0.0.1', port, true, null]],
      'the listener in /status',
    );
    const frontend = st.listeners[0]!.name;
    const up = { upstream: 'app' };
    const server = (s: string) => ({ upstream: 'app', server: s });
    const delta = (after: typeof before, name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    // 9 answered requests and 3 404s, each on its own connection.
    const bodies: string[] = [];
    for (let i = 0; i < 9; i++) bodies.push(await get(port, '/'));
    for (let i = 0; i < 3; i++) bodies.push(await get(port, '/missing'));
    const byA = bodies.filter((x) => x.endsWith(' a')).length;
    const byB = bodies.filter((x) => x.endsWith(' b')).length;
    assert.equal(byA + byB, 12, bodies.join(', '));
    // Smooth weighted round robin 2:1 (nginx ngx_http_upstream_get_peer): 8 to a, 4 to b.
    assert.deepEqual([byA, byB], [8, 4]);
    assert.deepEqual([a.seen.length, b.seen.length], [8, 4]);

    // Connections are counted (and their bytes added) when they close: wait for the last ones.
    let m = await scrape(admin);
    for (let i = 0; i < 100 && valueOf(m, 'tandem_frontend_current_connections', { frontend }) > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      m = await scrape(admin);
    }
    assert.equal(valueOf(m, 'tandem_frontend_current_connections', { frontend }), 0);
    assert.equal(frontend, `http:127.0.0.1:${port}`, 'the frontend label is the listener /status names');
    assert.equal(delta(m, 'tandem_frontend_http_requests_total', { frontend }), 12);
    assert.equal(delta(m, 'tandem_frontend_connections_total', { frontend }), 12);
    assert.equal(delta(m, 'tandem_frontend_http_responses_total', { frontend, code: '2xx' }), 9);
    assert.equal(delta(m, 'tandem_frontend_http_responses_total', { frontend, code: '4xx' }), 3);
    // Each request line alone is 16+ bytes in; each response carries headers and a body out.
    assert.ok(delta(m, 'tandem_frontend_bytes_in_total', { frontend }) >= 12 * 16);
    assert.ok(delta(m, 'tandem_frontend_bytes_out_total', { frontend }) >= 12 * 40);
    assert.equal(delta(m, 'nginx_http_requests_total'), 12);
    assert.equal(delta(m, 'nginx_connections_accepted'), 12);
    assert.equal(delta(m, 'tandem_upstream_http_responses_total', { ...up, code: '2xx' }), 9);
    assert.equal(delta(m, 'tandem_upstream_http_responses_total', { ...up, code: '4xx' }), 3);
    for (const [s, n, missing] of [
      [sa, byA, a.seen.filter((p) => p === '/missing').length],
      [sb, byB, b.seen.filter((p) => p === '/missing').length],
    ] as const) {
      assert.equal(delta(m, 'tandem_server_requests_total', server(s)), n, `${s} requests`);
      assert.equal(delta(m, 'tandem_server_selected_total', server(s)), n, `${s} selections`);
      assert.equal(
        delta(m, 'tandem_server_http_responses_total', { ...server(s), code: '4xx' }),
        missing,
        `${s} 4xx`,
      );
      assert.equal(
        delta(m, 'tandem_server_http_responses_total', { ...server(s), code: '2xx' }),
        n - missing,
        `${s} 2xx`,
      );
    }
    // /status agrees with the counters.
    const after = await status(admin);
    assert.deepEqual(
      after.upstreams[0]?.peers.map((p) => [
        p.server,
        p.requests - (st.upstreams[0]?.peers.find((q) => q.server === p.server)?.requests ?? 0),
      ]),
      [
        [sa, byA],
        [sb, byB],
      ],
    );
    assert.equal(await d.stop('SIGTERM'), 0);
  });

  it('drain: a request already on the drained peer finishes; new requests avoid it', async () => {
    const [a, b] = [await httpBackend('a'), await httpBackend('b')];
    const port = await freePort();
    const { d, admin } = await daemon(`events {}
http {
    upstream app {
        server 127.0.0.1:${a.port};
        server 127.0.0.1:${b.port};
    }
    server {
        listen 127.0.0.1:${port};
        location / { proxy_pass http://app; }
    }
}
`);
    // Round robin sends the first request to a: hold it there.
    const slow = get(port, '/slow');
    await a.slowArrived;
    const sa = `127.0.0.1:${a.port}`;
    assert.equal(await drain(admin, 'app', sa, 'drain'), 200);
    const peerA = async () => (await status(admin)).upstreams[0]?.peers.find((p) => p.server === sa);
    const listener = (await status(admin)).listeners[0];
    assert.equal(listener?.activeConnections, 1, 'the client connection of the running request');
    const pa = await peerA();
    assert.deepEqual(
      [pa?.state, pa?.drained, pa?.activeConnections],
      ['DRAIN', true, 1],
      'drained, with the running request still counted on it',
    );
    const fresh: string[] = [];
    for (let i = 0; i < 4; i++) fresh.push(await getBody(port));
    assert.deepEqual(fresh, ['b', 'b', 'b', 'b'], 'new requests avoid the drained peer');
    a.release();
    assert.equal(await slow, '200 a-slow', 'the running request finished on the drained peer');
    assert.equal((await peerA())?.activeConnections, 0);
    assert.deepEqual(a.seen, ['/slow']);
    assert.equal(await d.stop('SIGTERM'), 0);
  });
});

describe('the daemon with the admin server over a stream config', () => {
  it('drain: a connection already open to the drained peer keeps working; new connections avoid it', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const port = await freePort();
    const { d, admin } = await daemon(`load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
stream {
    upstream db { server 127.0.0.1:${a.port}; server 127.0.0.1:${b.port}; }
    server { listen 127.0.0.1:${port}; proxy_pass db; proxy_timeout 10m; }
}
`);
    const open = await connectGreeted(port);
    assert.equal(open.greeting, 'a');
    assert.equal(await drain(admin, 'db', `127.0.0.1:${a.port}`, 'drain'), 200);
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await connectGreeted(port);
      fresh.push(c.greeting);
      c.socket.destroy();
    }
    assert.deepEqual(fresh, ['b', 'b', 'b'], 'new connections avoid the drained peer');
    // The open connection still reaches a: the echo backend sends back what we write.
    const echoed = new Promise<string>((resolve) => {
      let got = '';
      open.socket.on('data', (x: string) => {
        got += x;
        if (got.includes('\n')) resolve(got);
      });
    });
    open.socket.write('still here\n');
    assert.equal(await echoed, 'still here\n');
    assert.equal(a.open.size, 1, 'a still holds the one connection');
    const closed = new Promise((r) => open.socket.once('close', r));
    open.socket.end();
    await closed;
    assert.equal(await d.stop('SIGTERM'), 0);
  });
});
