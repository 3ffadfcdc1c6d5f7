import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { connectGreeted, namedBackend, type NamedBackend } from '../../helpers/tcp-backends.js';
import { startStream, type TestStream } from './stream-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function backends(...names: string[]): Promise<NamedBackend[]> {
  const list = await Promise.all(names.map((n) => namedBackend(n)));
  cleanups.push(async () => {
    await Promise.all(list.map((b) => b.close()));
  });
  return list;
}

async function stream(...args: Parameters<typeof startStream>): Promise<TestStream> {
  const s = await startStream(...args);
  cleanups.push(() => s.close());
  return s;
}

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function serverOn(handler: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, handler);
  cleanups.push(() => new Promise((r) => server.close(() => r())));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })),
  );
}

const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('stream proxy', () => {
  it('spreads connections by smooth weighted round robin', async () => {
    const [a, b] = await backends('a', 'b');
    const s = await stream([{ port: a!.port, params: { weight: 2 } }, { port: b!.port }]);
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await connectGreeted(s.port);
      seen.push(c.greeting);
      c.socket.destroy();
    }
    assert.deepEqual(seen, ['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('skips a refused peer, serves the client from the next one, and logs as nginx does', async () => {
    const dead = await deadPort();
    const [b] = await backends('b');
    const s = await stream([{ port: dead }, { port: b!.port }]);
    const c = await connectGreeted(s.port);
    assert.equal(c.greeting, 'b');
    c.socket.destroy();
    const lines = s.records.map((r) => r.msg);
    assert.ok(
      lines.some(
        (l) =>
          l.startsWith('connect() failed (111: Connection refused) while connecting to upstream') &&
          l.includes(`upstream: "127.0.0.1:${dead}"`),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => l.startsWith('upstream server temporarily disabled while connecting to upstream')),
    );
    // The failed peer is now out for fail_timeout: the next connections all go to b without a retry.
    for (let i = 0; i < 3; i++) {
      const again = await connectGreeted(s.port);
      assert.equal(again.greeting, 'b');
      again.socket.destroy();
    }
    assert.equal(lines.filter((l) => l.startsWith('connect() failed')).length, 1);
  });

  it('closes the client when no peer is live and logs "no live upstreams"', async () => {
    const s = await stream([{ port: await deadPort() }, { port: await deadPort() }]);
    const first = await connectGreeted(s.port);
    assert.equal(first.greeting, '');
    const second = await connectGreeted(s.port);
    assert.equal(second.greeting, '');
    assert.ok(
      s.records.some(
        (r) => r.level === 'error' && r.msg.startsWith('no live upstreams while connecting to upstream'),
      ),
    );
    await until(() => s.listener.active === 0, 'sessions to end');
  });

  it('stops after proxy_next_upstream_tries attempts and honours proxy_next_upstream off', async () => {
    const ports = [await deadPort(), await deadPort(), await deadPort()];
    const [ok] = await backends('ok');
    const limited = await stream([...ports.map((port) => ({ port })), { port: ok!.port }], {
      params: { nextUpstreamTries: 2 },
    });
    assert.equal((await connectGreeted(limited.port)).greeting, '');
    assert.equal(limited.records.filter((r) => r.msg.startsWith('connect() failed')).length, 2);
    const off = await stream([{ port: await deadPort() }, { port: ok!.port }], {
      params: { nextUpstream: false },
    });
    assert.equal((await connectGreeted(off.port)).greeting, '');
    assert.equal(off.records.filter((r) => r.msg.startsWith('connect() failed')).length, 1);
  });

  it('passes a client half-close to the backend and still delivers the backend reply', async () => {
    const [a] = await backends('a');
    const s = await stream([{ port: a!.port }]);
    const c = createConnection({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (got += d));
    c.end('hello after fin\n');
    await new Promise<void>((r) => c.once('end', () => r()));
    assert.equal(got, 'a\nhello after fin\n');
    c.destroy();
    await until(() => s.listener.active === 0 && a!.open.size === 0, 'both sides to close');
  });

  it('passes a backend half-close to the client while the client can still send', async () => {
    let received = '';
    const done = new Promise<void>((resolve) => {
      void serverOn((sock) => {
        sock.end('bye\n');
        sock.setEncoding('utf8');
        sock.on('data', (d: string) => (received += d));
        sock.on('end', () => resolve());
      }).then(async ({ port }) => {
        const s = await stream([{ port }]);
        const c = createConnection({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
        let got = '';
        c.setEncoding('utf8');
        c.on('data', (d: string) => (got += d));
        c.on('end', () => {
          assert.equal(got, 'bye\n');
          c.end('still talking\n');
        });
      });
    });
    await done;
    assert.equal(received, 'still talking\n');
  });

  it('closes both sides after proxy_timeout of silence', async () => {
    const [a] = await backends('a');
    const s = await stream([{ port: a!.port }], { params: { idleTimeoutMs: 150 } });
    const c = await connectGreeted(s.port);
    assert.equal(c.greeting, 'a');
    await closed(c.socket);
    await until(() => a!.open.size === 0 && s.listener.active === 0, 'the backend side to close');
    assert.ok(
      s.records.some((r) =>
        r.msg.startsWith('upstream timed out (110: Connection timed out) while proxying connection'),
      ),
    );
  });

  it('keeps a session alive past proxy_timeout while bytes flow in only one direction', async () => {
    // nginx: proxy_timeout runs between two successive reads or writes on either connection, so a
    // backend streaming to a silent client is not idle. The backend sends a byte every 30 ms for
    // 600 ms, twice the 300 ms timeout, then stops: the session must end only after that.
    const { port } = await serverOn((sock) => {
      let n = 0;
      const t = setInterval(() => {
        if (sock.destroyed) {
          clearInterval(t);
          return;
        }
        sock.write('x');
        if (++n === 20) clearInterval(t);
      }, 30);
      sock.on('error', () => undefined);
      sock.on('end', () => sock.end()); // the server is half-open capable: close when the proxy does
      sock.on('close', () => clearInterval(t));
    });
    const s = await stream([{ port }], { params: { idleTimeoutMs: 300 } });
    const c = createConnection({ port: s.port, host: '127.0.0.1' });
    let got = 0;
    c.on('data', (d: Buffer) => (got += d.length));
    c.on('error', () => undefined);
    const started = Date.now();
    await closed(c);
    assert.equal(got, 20, 'every byte sent before the silence arrived');
    assert.ok(Date.now() - started >= 600 + 300, 'closed only after proxy_timeout of real silence');
    await until(() => s.listener.active === 0, 'the session to end');
  });

  it('closes the client when the backend resets mid-transfer, leaking nothing', async () => {
    const { port } = await serverOn((sock) => {
      sock.write(randomBytes(64 * 1024));
      setTimeout(() => sock.resetAndDestroy(), 20);
    });
    const s = await stream([{ port }]);
    const c = createConnection({ port: s.port, host: '127.0.0.1' });
    let bytes = 0;
    c.on('data', (d: Buffer) => (bytes += d.length));
    c.on('error', () => undefined);
    await closed(c);
    assert.ok(bytes > 0);
    await until(() => s.listener.active === 0, 'the session to end');
    assert.ok(
      s.records.some((r) => r.msg.startsWith('recv() failed (104: Connection reset by peer) while proxying')),
    );
  });

  it('finishes a graceful close as soon as the last session ends, not at the deadline', async () => {
    const [a] = await backends('a');
    const s = await startStream([{ port: a!.port }]);
    const c = await connectGreeted(s.port);
    // Closing races the session's own teardown: the client socket is gone before the backend one.
    c.socket.destroy();
    const started = Date.now();
    await s.listener.close(AbortSignal.timeout(20_000));
    assert.ok(Date.now() - started < 5_000, 'close waited for the deadline');
    assert.equal(s.listener.active, 0);
  });

  it('moves 256 MiB intact in both directions with bounded memory', async () => {
    const total = 256 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    let backendHash = '';
    const backendDone = new Promise<void>((resolve) => {
      void serverOn((sock) => {
        const h = createHash('sha256');
        sock.on('data', (d: Buffer) => h.update(d));
        sock.on('end', () => {
          backendHash = h.digest('hex');
          resolve();
        });
        // Echo the upload's hash back after it ends; meanwhile stream 256 MiB down, respecting backpressure.
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!sock.write(chunk)) return void sock.once('drain', pump);
          }
          sock.end();
        };
        pump();
      }).then(({ port }) => {
        portReady(port);
      });
    });
    let portReady: (p: number) => void = () => undefined;
    const port = await new Promise<number>((r) => (portReady = r));
    const s = await stream([{ port }]);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const c = createConnection({ port: s.port, host: '127.0.0.1', allowHalfOpen: true });
    const down = createHash('sha256');
    let downBytes = 0;
    c.on('data', (d: Buffer) => {
      down.update(d);
      downBytes += d.length;
    });
    const expectedDown = createHash('sha256');
    for (let i = 0; i < total / chunk.length; i++) expectedDown.update(chunk);
    const up = createHash('sha256');
    let upSent = 0;
    const upload = () => {
      while (upSent < total) {
        upSent += chunk.length;
        up.update(chunk);
        if (!c.write(chunk)) return void c.once('drain', upload);
      }
      c.end();
    };
    upload();
    await new Promise<void>((r) => c.once('end', () => r()));
    await backendDone;
    clearInterval(sampler);
    c.destroy();
    assert.equal(downBytes, total);
    assert.equal(down.digest('hex'), expectedDown.digest('hex'));
    assert.equal(backendHash, up.digest('hex'));
    // Backpressure holds: the proxy never buffers a meaningful part of the 512 MiB it moved.
    assert.ok(
      peakRss - rssBefore < 96 * 1024 * 1024,
      `RSS grew by ${Math.round((peakRss - rssBefore) / 1048576)} MiB`,
    );
  });

  it('keeps memory bounded and loses nothing for a slow reader', async () => {
    const total = 32 * 1024 * 1024;
    const chunk = randomBytes(256 * 1024);
    const { port } = await serverOn((sock) => {
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
        sock.end();
      };
      pump();
    });
    const s = await stream([{ port }]);
    const c = createConnection({ port: s.port, host: '127.0.0.1' });
    let bytes = 0;
    let maxSessionBuffer = 0;
    c.on('data', (d: Buffer) => {
      bytes += d.length;
      // Read in bursts with pauses, so the proxy must hold the backend back.
      c.pause();
      setTimeout(() => c.resume(), 1);
    });
    const sampler = setInterval(() => {
      const active = s.listener.active;
      if (active > 0) maxSessionBuffer = Math.max(maxSessionBuffer, process.memoryUsage().arrayBuffers);
    }, 10);
    await closed(c);
    clearInterval(sampler);
    assert.equal(bytes, total);
    assert.ok(maxSessionBuffer < 64 * 1024 * 1024, `array buffers reached ${maxSessionBuffer}`);
  });
});
