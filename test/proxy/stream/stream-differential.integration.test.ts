import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  STREAM_MODULE,
  freePort,
  haveNginx,
  startNginxConf,
  type NginxProcess,
} from '../../helpers/nginx-process.js';
import { requirePrereq } from '../../helpers/require-root.js';
import { connectGreeted, namedBackend, type NamedBackend } from '../../helpers/tcp-backends.js';
import { startStream, type TestServer, type TestStream } from './stream-fixture.js';

// Same nginx.conf stream block, same connection sequence, same backend sequence: the differential
// issue 9 asks for. Every connection goes to real nginx and then to Tandem, so both proxies see
// the same backend states and the same whole second (nginx's fail_timeout clock).

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Pair {
  readonly nginx: NginxProcess;
  readonly nginxPort: number;
  readonly tandem: TestStream;
}

function serverLine(s: TestServer): string {
  const p = s.params ?? {};
  const parts = [`server 127.0.0.1:${s.port}`];
  if (p.weight !== undefined) parts.push(`weight=${p.weight}`);
  if (p.maxFails !== undefined) parts.push(`max_fails=${p.maxFails}`);
  if (p.failTimeout !== undefined) parts.push(`fail_timeout=${p.failTimeout / 1000}s`);
  if (p.maxConns !== undefined) parts.push(`max_conns=${p.maxConns}`);
  if (p.backup === true) parts.push('backup');
  if (p.down === true) parts.push('down');
  return `${parts.join(' ')};`;
}

async function pair(
  servers: TestServer[],
  method = 'round_robin',
  methodLine = '',
  key?: string,
): Promise<Pair> {
  const nginxPort = await freePort();
  const nginx = await startNginxConf(
    () => `load_module ${STREAM_MODULE};
events { worker_connections 1024; }
stream {
  upstream backend {
    ${methodLine}
    ${servers.map(serverLine).join('\n    ')}
  }
  server { listen 127.0.0.1:${nginxPort}; proxy_pass backend; proxy_connect_timeout 2s; }
}
`,
  );
  cleanups.push(() => nginx.stop());
  const tandem = await startStream(servers, {
    method,
    ...(key === undefined ? {} : { methodOptions: { key, consistent: methodLine.includes('consistent') } }),
    params: { connectTimeoutMs: 2000 },
  });
  cleanups.push(() => tandem.close());
  return { nginx, nginxPort, tandem };
}

async function backends(n: number): Promise<NamedBackend[]> {
  const list = await Promise.all(
    Array.from({ length: n }, (_, i) => namedBackend(String.fromCharCode(97 + i))),
  );
  cleanups.push(async () => {
    await Promise.all(list.map((b) => b.close()));
  });
  return list;
}

/** One connection to each proxy in turn; returns [nginx's backend, Tandem's backend]. */
async function both(p: Pair, hold: boolean, localAddress?: string): Promise<[string, string]> {
  const a = await connectGreeted(p.nginxPort, localAddress);
  const b = await connectGreeted(p.tandem.port, localAddress);
  if (!hold) {
    a.socket.destroy();
    b.socket.destroy();
  } else {
    cleanups.push(() => {
      a.socket.destroy();
      b.socket.destroy();
      return Promise.resolve();
    });
  }
  return [a.greeting, b.greeting];
}

async function sequence(p: Pair, n: number, hold = false): Promise<{ nginx: string[]; tandem: string[] }> {
  const nginx: string[] = [];
  const tandem: string[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = await both(p, hold);
    nginx.push(x || '-');
    tandem.push(y || '-');
    // Let both proxies see the close before the next pick (least_conn counts open sessions).
    if (!hold) await new Promise((r) => setTimeout(r, 5));
  }
  return { nginx, tandem };
}

/** Waits until the start of a second has just passed, so a short scenario does not straddle one. */
async function alignToSecond(): Promise<void> {
  const ms = Date.now() % 1000;
  if (ms > 200) await new Promise((r) => setTimeout(r, 1000 - ms + 20));
}

describe('stream balancing agrees with nginx', () => {
  it('round robin with weights 5,1,1, then 1,2, then equal', async (t) => {
    if (!requirePrereq(t, haveNginx(), 'nginx is not installed')) return;
    const [a, b, c] = await backends(3);
    for (const weights of [
      [5, 1, 1],
      [1, 2, 1],
      [1, 1, 1],
    ]) {
      const p = await pair(
        [a!, b!, c!].map((x, i) => ({ port: x.port, params: { weight: weights[i] ?? 1 } })),
      );
      const r = await sequence(p, 21);
      assert.deepEqual(r.tandem, r.nginx, `weights ${weights.join(',')}`);
      if (weights[0] === 5) assert.deepEqual(r.nginx.slice(0, 7), ['a', 'a', 'b', 'a', 'c', 'a', 'a']);
    }
  });

  it('least_conn with held connections', async (t) => {
    if (!requirePrereq(t, haveNginx(), 'nginx is not installed')) return;
    const [a, b, c] = await backends(3);
    const p = await pair(
      [{ port: a!.port, params: { weight: 2 } }, { port: b!.port }, { port: c!.port }],
      'least_conn',
      'least_conn;',
    );
    const r = await sequence(p, 9, true);
    assert.deepEqual(r.tandem, r.nginx);
  });

  it('hash $remote_addr consistent over 200 client addresses, before and after a peer dies', async (t) => {
    if (!requirePrereq(t, haveNginx(), 'nginx is not installed')) return;
    const [a, b, c] = await backends(3);
    const servers = [a!, b!, c!].map((x) => ({ port: x.port, params: { maxFails: 0 } }));
    const p = await pair(servers, 'hash', 'hash $remote_addr consistent;', '$remote_addr');
    const run = async () => {
      const nginx: string[] = [];
      const tandem: string[] = [];
      for (let i = 0; i < 200; i++) {
        const [x, y] = await both(p, false, `127.0.${1 + (i >> 6)}.${((i * 37) % 250) + 2}`);
        nginx.push(x || '-');
        tandem.push(y || '-');
      }
      return { nginx, tandem };
    };
    const alive = await run();
    assert.deepEqual(alive.tandem, alive.nginx);
    assert.equal(new Set(alive.nginx).size, 3, 'every backend gets some clients');
    await b!.close();
    const oneDead = await run();
    assert.deepEqual(oneDead.tandem, oneDead.nginx);
    assert.ok(!oneDead.nginx.includes('b'));
    // Clients that were on a or c stay where they were: consistent hashing moves only b's clients.
    for (let i = 0; i < 200; i++) if (alive.nginx[i] !== 'b') assert.equal(oneDead.nginx[i], alive.nginx[i]);
  });

  it('a dead backend is skipped, then used again after fail_timeout once it is back', async (t) => {
    if (!requirePrereq(t, haveNginx(), 'nginx is not installed')) return;
    const [a, b, c] = await backends(3);
    const bPort = b!.port;
    await b!.close();
    const servers = [a!, b!, c!].map((x) => ({ port: x.port, params: { maxFails: 1, failTimeout: 1000 } }));
    const p = await pair(servers);
    await alignToSecond();
    const dead = await sequence(p, 6);
    assert.deepEqual(dead.tandem, dead.nginx);
    assert.ok(!dead.nginx.includes('b'));
    const back = await namedBackend('b', bPort);
    cleanups.push(() => back.close());
    await new Promise((r) => setTimeout(r, 2100));
    await alignToSecond();
    const recovered = await sequence(p, 6);
    assert.deepEqual(recovered.tandem, recovered.nginx);
    assert.ok(recovered.nginx.includes('b'), 'the recovered backend is used again');
    const tandemRefused = p.tandem.records.filter((r) =>
      r.msg.startsWith('connect() failed (111: Connection refused)'),
    ).length;
    const nginxRefused = p.nginx
      .errorLog()
      .split('\n')
      .filter((l) => l.includes('connect() failed (111: Connection refused)')).length;
    assert.equal(tandemRefused, nginxRefused);
  });

  it('backup and down servers', async (t) => {
    if (!requirePrereq(t, haveNginx(), 'nginx is not installed')) return;
    const [a, b, c] = await backends(3);
    const p = await pair([
      { port: a!.port, params: { down: true } },
      { port: b!.port },
      { port: c!.port, params: { backup: true } },
    ]);
    const r1 = await sequence(p, 4);
    assert.deepEqual(r1.tandem, r1.nginx);
    assert.deepEqual(r1.nginx, ['b', 'b', 'b', 'b']);
    await b!.close();
    const r2 = await sequence(p, 4);
    assert.deepEqual(r2.tandem, r2.nginx);
    assert.deepEqual(r2.nginx, ['c', 'c', 'c', 'c']);
  });
});
