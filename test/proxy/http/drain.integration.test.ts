/**
 * The HTTP side of a graceful stop (issue 11 item 3, docs/vrrp-linux.md "Graceful handover"): once
 * draining, responses carry `Connection: close` and their connection closes after them, idle
 * keep-alive connections are closed after the grace, and the listener still accepts.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { ret, server } from './helpers/params.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

const REQUEST = 'GET / HTTP/1.1\r\nHost: example.test\r\n\r\n';

/** A keep-alive client connection that collects what it receives. */
async function connect(
  port: number,
): Promise<{ socket: Socket; data: () => string; closed: Promise<unknown> }> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  let data = '';
  socket.setEncoding('utf8').on('data', (d: string) => (data += d));
  return { socket, data: () => data, closed: once(socket, 'close') };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('HTTP drain before a graceful stop', () => {
  let tandem: RunningTandem | undefined;
  after(async () => {
    await tandem?.close();
  });

  it('Connection: close from then on, idle connections closed after the grace, new connections served', async () => {
    tandem = await startTandem([server([ret('prefix', '/', 'hello')])], {});
    const port = tandem.port;
    const busy = await connect(port);
    const idle = await connect(port);
    for (const c of [busy, idle]) {
      c.socket.write(REQUEST);
      await until(() => c.data().includes('hello'));
      assert.match(c.data(), /connection: keep-alive/i);
    }
    const drained = tandem.proxy.drain(150);
    // A connection in use during the grace gets its answer and a clean close, no reset.
    busy.socket.write(REQUEST);
    await until(() => busy.data().split('hello').length === 3);
    assert.match(busy.data().slice(busy.data().lastIndexOf('HTTP/1.1')), /connection: close/i);
    await busy.closed;
    assert.ok(!idle.socket.destroyed, 'an idle connection is left alone during the grace');
    // A new connection is still accepted and served, once.
    const fresh = await connect(port);
    fresh.socket.write(REQUEST);
    await until(() => fresh.data().includes('hello'));
    assert.match(fresh.data(), /connection: close/i);
    await fresh.closed;
    await drained;
    await idle.closed;
  });
});
