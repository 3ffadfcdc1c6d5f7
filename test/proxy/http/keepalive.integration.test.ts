/**
 * Upstream keep-alive as nginx's `keepalive` module does it, counted at the backend and compared
 * with real nginx: connections reused with `proxy_http_version 1.1` + `Connection ""`, none
 * reused by default, `keepalive_requests` and `keepalive_timeout` honoured.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepaliveParams } from '../../../src/proxy/http/keepalive-pool.js';
import type { KeepaliveParams } from '../../../src/proxy/http/types.js';
import { startRecorder, type Recorder } from './helpers/backends.js';
import { get } from './helpers/client.js';
import { freePort, startNginx, type RealNginx } from './helpers/nginx.js';
import { loc, server } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

const ka = { httpVersion: '1.1' as const, setHeaders: [{ name: 'Connection', value: '' }] };

describe('upstream keep-alive, counted at the backend and compared with real nginx', () => {
  const rec: Record<string, Recorder> = {};
  let nginx: RealNginx | undefined;
  let tandem: RunningTandem | undefined;
  let nginxPort = 0;
  const names = ['ka', 'plain', 'req3', 'idle'] as const;

  before(async () => {
    for (const n of names) rec[n] = await startRecorder();
    // Closes a connection when a second request arrives on it: a keep-alive connection gone stale.
    const perSocket = new WeakMap<object, number>();
    rec.stale = await startRecorder((_h, _b, s) => {
      const n = (perSocket.get(s) ?? 0) + 1;
      perSocket.set(s, n);
      if (n > 1) s.destroy();
      else s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    nginxPort = await freePort();
    const port = (n: string): number => rec[n]?.port ?? 0;
    nginx = await startNginx(
      `upstream ka { server 127.0.0.1:${port('ka')}; keepalive 4; }
       upstream plain { server 127.0.0.1:${port('plain')}; keepalive 4; }
       upstream req3 { server 127.0.0.1:${port('req3')}; keepalive 4; keepalive_requests 3; }
       upstream idle { server 127.0.0.1:${port('idle')}; keepalive 4; keepalive_timeout 300ms; }
       upstream stale { server 127.0.0.1:${port('stale')}; keepalive 4; }
       server { listen 127.0.0.1:${nginxPort};
         proxy_http_version 1.1; proxy_set_header Connection "";
         location /ka/ { proxy_pass http://ka; }
         location /plain/ { proxy_pass http://plain; proxy_http_version 1.0; proxy_set_header Connection close; }
         location /req3/ { proxy_pass http://req3; }
         location /idle/ { proxy_pass http://idle; }
         location /stale/ { proxy_pass http://stale; }
       }`,
      [nginxPort],
    );
    const picker = (n: string, k: KeepaliveParams) =>
      roundRobinPicker(n, [{ host: '127.0.0.1', port: port(n) }], k);
    tandem = await startTandem(
      [
        server([
          loc({ path: '/ka/', proxyPass: { scheme: 'http', upstream: 'ka' }, ...ka }),
          loc({ path: '/plain/', proxyPass: { scheme: 'http', upstream: 'plain' } }),
          loc({ path: '/req3/', proxyPass: { scheme: 'http', upstream: 'req3' }, ...ka }),
          loc({ path: '/idle/', proxyPass: { scheme: 'http', upstream: 'idle' }, ...ka }),
          loc({ path: '/stale/', proxyPass: { scheme: 'http', upstream: 'stale' }, ...ka }),
        ]),
      ],
      {
        ka: picker('ka', keepaliveParams(4)),
        plain: picker('plain', keepaliveParams(4)),
        req3: picker('req3', keepaliveParams(4, { requests: 3 })),
        idle: picker('idle', keepaliveParams(4, { timeoutMs: 300 })),
        stale: picker('stale', keepaliveParams(4)),
      },
    );
  });

  after(async () => {
    await tandem?.close();
    await nginx?.stop();
    for (const r of Object.values(rec)) await r.close();
  });

  /** Upstream connections opened for `n` sequential requests to `path`, optionally spaced. */
  async function connectionsFor(port: number, path: string, n: number, gapMs = 0): Promise<number> {
    const r = rec[path.split('/')[1] ?? ''];
    assert.ok(r);
    const before = r.connections;
    for (let i = 0; i < n; i++) {
      const res = await get(port, path);
      assert.equal(res.status, 200);
      if (gapMs > 0) await sleep(gapMs);
    }
    return r.connections - before;
  }

  async function compare(path: string, n: number, gapMs = 0): Promise<number> {
    const viaNginx = await connectionsFor(nginxPort, path, n, gapMs);
    const viaTandem = await connectionsFor(tandem?.port ?? 0, path, n, gapMs);
    assert.equal(viaTandem, viaNginx, `nginx opened ${viaNginx} connections, Tandem ${viaTandem}`);
    return viaTandem;
  }

  it('reuses one connection with HTTP/1.1 and Connection ""', async () => {
    assert.equal(await compare('/ka/x', 10), 1);
  });

  it('opens a connection per request with nginx defaults (HTTP/1.0, Connection: close)', async () => {
    assert.equal(await compare('/plain/x', 5), 5);
  });

  it('closes a connection after keepalive_requests', async () => {
    assert.equal(await compare('/req3/x', 10), 4);
  });

  it('closes an idle connection after keepalive_timeout', async () => {
    assert.equal(await compare('/idle/x', 3, 600), 3);
  });

  it('retries a stale cached connection once on a new one, even for a single peer (nginx tries++)', async () => {
    // Every reuse fails, so each request after the first costs a failed reuse and a new connection.
    assert.equal(await compare('/stale/x', 4), 4);
    assert.deepEqual(tandem?.errors().slice(-1), [
      'upstream prematurely closed connection while reading response header from upstream',
    ]);
  });
});
