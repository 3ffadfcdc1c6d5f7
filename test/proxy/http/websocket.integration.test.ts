/**
 * WebSocket through the proxy with nginx's recipe (`proxy_http_version 1.1; proxy_set_header
 * Upgrade $http_upgrade; proxy_set_header Connection "upgrade"`): the 101 is relayed, frames echo
 * both ways, and closing either side closes the other with no socket left open.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Duplex } from 'node:stream';
import { loc, server } from './helpers/params.js';
import { openSockets, settleSockets } from './helpers/client.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

const guid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One unmasked (server) or masked (client) text frame, payload < 126 bytes. */
function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const key = Buffer.from([1, 2, 3, 4]);
  const body = mask ? payload.map((b, i) => b ^ (key[i % 4] ?? 0)) : payload;
  return Buffer.concat([
    Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]),
    mask ? key : Buffer.alloc(0),
    body,
  ]);
}

/** Decodes one frame (either direction). */
function unframe(buf: Buffer): string {
  const len = (buf[1] ?? 0) & 0x7f;
  const masked = ((buf[1] ?? 0) & 0x80) !== 0;
  const key = masked ? buf.subarray(2, 6) : undefined;
  const data = buf.subarray(masked ? 6 : 2, (masked ? 6 : 2) + len);
  return Buffer.from(data.map((b, i) => (key === undefined ? b : b ^ (key[i % 4] ?? 0)))).toString();
}

describe('WebSocket upgrade through the proxy', () => {
  let backend: Server;
  let tandem: RunningTandem | undefined;
  const upgradeHeads: IncomingMessage[] = [];
  const backendSockets = new Set<Duplex>();

  before(async () => {
    backend = createServer((_req, res) => res.end('plain'));
    backend.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      upgradeHeads.push(req);
      backendSockets.add(socket);
      socket.on('close', () => backendSockets.delete(socket));
      socket.on('end', () => socket.end()); // http servers allow half-open sockets
      const accept = createHash('sha1')
        .update(`${String(req.headers['sec-websocket-key'])}${guid}`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.on('data', (c: Buffer) => socket.write(frame(`echo:${unframe(c)}`, false)));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const addr = backend.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    tandem = await startTandem(
      [
        server([
          loc({
            path: '/ws/',
            httpVersion: '1.1',
            readTimeoutMs: 500,
            setHeaders: [
              { name: 'Upgrade', value: '$http_upgrade' },
              { name: 'Connection', value: 'upgrade' },
            ],
          }),
          loc({ path: '/plain/' }),
        ]),
      ],
      { backend: roundRobinPicker('backend', [{ host: '127.0.0.1', port }]) },
    );
  });

  after(async () => {
    await tandem?.close();
    await new Promise((r) => backend.close(r));
  });

  function open(path: string): Promise<{ socket: Socket; head: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(tandem?.port ?? 0, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', (c: Buffer) => {
        resolve({ socket, head: c.toString('latin1') });
      });
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
  }

  it('relays the 101 and echoes frames both ways', async () => {
    const baseline = openSockets();
    const { socket, head } = await open('/ws/chat');
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    assert.equal(upgradeHeads.at(-1)?.headers.upgrade, 'websocket');
    assert.equal(upgradeHeads.at(-1)?.headers.connection, 'upgrade');
    for (const text of ['hello', 'again']) {
      const echoed = new Promise<string>((r) => {
        socket.once('data', (c: Buffer) => {
          r(unframe(c));
        });
      });
      socket.write(frame(text, true));
      assert.equal(await echoed, `echo:${text}`);
    }
    socket.destroy();
    assert.equal(await settleSockets(baseline), baseline);
    assert.equal(backendSockets.size, 0);
  });

  it('closes an idle tunnel after proxy_read_timeout', async () => {
    const baseline = openSockets();
    const { socket } = await open('/ws/idle');
    const closed = new Promise((r) => socket.once('close', r));
    await closed;
    assert.equal(await settleSockets(baseline), baseline);
  });

  it('proxies an upgrade request as a plain request where Upgrade is not forwarded (nginx drops it)', async () => {
    const { socket, head } = await open('/plain/x');
    socket.destroy();
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nplain\r\n/);
  });
});
