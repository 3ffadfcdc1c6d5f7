/**
 * Listening sockets and shutdown: a port with a wildcard `listen` and an address-specific one is
 * served by one socket that picks servers by the connection's local address (compared with real
 * nginx), and `close(graceMs)` lets in-flight requests finish while refusing new connections.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpServerParams } from '../../../src/proxy/http/types.js';
import { startRecorder, type Recorder } from './helpers/backends.js';
import { get, openSockets, settleSockets } from './helpers/client.js';
import { freePort, startNginx, type RealNginx } from './helpers/nginx.js';
import { loc, ret } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

/** `GET /` to `address:port` with Host `host`; resolves with the body. */
function getVia(address: string, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: address, port });
    let buf = '';
    s.on('data', (c: Buffer) => (buf += c.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => {
      resolve(buf.slice(buf.indexOf('\r\n\r\n') + 4));
    });
    s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('listening sockets', () => {
  let nginx: RealNginx | undefined;
  let tandem: RunningTandem | undefined;
  let nginxPort = 0;

  before(async () => {
    nginxPort = await freePort();
    nginx = await startNginx(
      `server { listen ${nginxPort}; server_name a.test; location / { return 200 "wild-a"; } }
       server { listen ${nginxPort}; server_name b.test; location / { return 200 "wild-b"; } }
       server { listen 127.0.0.1:${nginxPort}; server_name c.test; location / { return 200 "local-c"; } }`,
      [nginxPort],
    );
    const block = (host: string, name: string, body: string): HttpServerParams => ({
      listen: [{ host, port: 0, defaultServer: false }],
      serverNames: [name],
      locations: [ret('prefix', '/', body)],
    });
    tandem = await startTandem(
      [
        block('0.0.0.0', 'a.test', 'wild-a'),
        block('0.0.0.0', 'b.test', 'wild-b'),
        block('127.0.0.1', 'c.test', 'local-c'),
      ],
      {},
    );
    assert.equal(tandem.proxy.addresses().length, 1);
    assert.equal(tandem.proxy.addresses()[0]?.host, '0.0.0.0');
  });

  after(async () => {
    await tandem?.close();
    await nginx?.stop();
  });

  // Connections to 127.0.0.1 see only the 127.0.0.1 servers, whatever the Host; others see the wildcard ones.
  for (const [address, host, want] of [
    ['127.0.0.1', 'a.test', 'local-c'],
    ['127.0.0.1', 'c.test', 'local-c'],
    ['127.0.0.2', 'b.test', 'wild-b'],
    ['127.0.0.2', 'c.test', 'wild-a'],
  ] as const) {
    it(`serves ${host} via ${address} as nginx does (${want})`, async () => {
      const n = await getVia(address, nginxPort, host);
      const t = await getVia(address, tandem?.port ?? 0, host);
      assert.equal(n, want);
      assert.equal(t, n);
    });
  }
});

describe('graceful close', () => {
  let slow: Recorder;

  before(async () => {
    slow = await startRecorder((_h, _b, s) => {
      setTimeout(() => s.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate'), 300);
    });
  });

  after(async () => {
    await slow.close();
  });

  it('lets an in-flight request finish, refuses new connections, and leaves no socket open', async () => {
    const baseline = openSockets();
    const tandem = await startTandem(
      [
        {
          listen: [{ host: '127.0.0.1', port: 0, defaultServer: false }],
          serverNames: [''],
          locations: [loc()],
        },
      ],
      {
        backend: roundRobinPicker('backend', [{ host: '127.0.0.1', port: slow.port }]),
      },
    );
    const inFlight = get(tandem.port, '/');
    await sleep(50);
    const closing = tandem.proxy.close(5000);
    await sleep(20);
    await assert.rejects(get(tandem.port, '/'));
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'late');
    await closing;
    assert.equal(await settleSockets(baseline), baseline);
  });
});
