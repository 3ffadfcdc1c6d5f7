/**
 * The request heads a backend receives from Tandem equal those real nginx 1.22 sends for the
 * same configuration and the same client bytes: request line, header order, defaults
 * (`Host $proxy_host`, `Connection close`, HTTP/1.0), the keep-alive recipe, variables, and
 * the hop-by-hop headers nginx drops.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { keepaliveParams } from '../../../src/proxy/http/keepalive-pool.js';
import { startRecorder, type Recorder } from './helpers/backends.js';
import { rawRequest } from './helpers/client.js';
import { freePort, startNginx, type RealNginx } from './helpers/nginx.js';
import { loc, server } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

const varHeaders: [string, string][] = [
  ['Host', '$host'],
  ['X-Real-IP', '$remote_addr'],
  ['X-Forwarded-For', '$proxy_add_x_forwarded_for'],
  ['X-Forwarded-Proto', '$scheme'],
  ['X-Proxy-Host', '$proxy_host'],
  ['X-UA', '$http_user_agent'],
  ['X-Server-Port', '$server_port'],
  ['X-Request-Uri', '$request_uri'],
  ['X-Uri', '$uri'],
  ['X-Args', '$args'],
  ['X-Custom-Var', '$http_x_custom'],
  ['X-Cookie-Var', '$http_cookie'],
  ['X-Empty', ''],
];

const client = [
  'User-Agent: tandem-test/1',
  'Accept: */*',
  'X-Forwarded-For: 10.0.0.1',
  'Connection: keep-alive',
  'Keep-Alive: 300',
  'TE: trailers',
  'Proxy-Connection: keep-alive',
  'X-Custom: one',
  'Cookie: a=b',
  'X-Custom: two',
  'Cookie: c=d',
  'X-Forwarded-For: 10.0.0.2',
].join('\r\n');

const requests = [
  `GET /default/a?b=1 HTTP/1.1\r\nHost: Example.TEST:8080\r\n${client}\r\n\r\n`,
  `GET /ka/a HTTP/1.1\r\nHost: example.test\r\n${client}\r\n\r\n`,
  `GET /vars/a/../b%20c?x=1 HTTP/1.1\r\nHost: Example.TEST:8080\r\n${client}\r\n\r\n`,
  `GET /e2/a%20b?q HTTP/1.1\r\nHost: example.test\r\n${client}\r\n\r\n`,
  `POST /default/p HTTP/1.1\r\nHost: example.test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`,
  `POST /ka/chunked HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`,
  `GET /ws/x HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n\r\n`,
];

describe('headers the backend receives, compared with real nginx', () => {
  let backend: Recorder;
  let nginx: RealNginx | undefined;
  let tandem: RunningTandem | undefined;
  let nginxPort = 0;
  const heads: { nginx: string[]; tandem: string[] } = { nginx: [], tandem: [] };
  const bodies: { nginx: string[]; tandem: string[] } = { nginx: [], tandem: [] };

  before(async () => {
    backend = await startRecorder();
    const b = backend.port;
    nginxPort = await freePort();
    const sets = varHeaders.map(([n, v]) => `proxy_set_header ${n} "${v}";`).join(' ');
    nginx = await startNginx(
      `upstream backend { server 127.0.0.1:${b}; }
       upstream backend_ka { server 127.0.0.1:${b}; keepalive 4; }
       server { listen 127.0.0.1:${nginxPort}; server_name example.test;
         location /default/ { proxy_pass http://backend; }
         location /ka/ { proxy_pass http://backend_ka; proxy_http_version 1.1; proxy_set_header Connection ""; }
         location /vars/ { proxy_pass http://backend; ${sets} }
         location /e2/ { proxy_pass http://127.0.0.1:${b}/x/; }
         location /ws/ { proxy_pass http://backend; proxy_http_version 1.1;
           proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; }
       }`,
      [nginxPort],
    );
    const ka = { httpVersion: '1.1' as const, setHeaders: [{ name: 'Connection', value: '' }] };
    tandem = await startTandem(
      [
        server(
          [
            loc({ path: '/default/' }),
            loc({ path: '/ka/', proxyPass: { scheme: 'http', upstream: 'backend_ka' }, ...ka }),
            loc({ path: '/vars/', setHeaders: varHeaders.map(([name, value]) => ({ name, value })) }),
            loc({ path: '/e2/', proxyPass: { scheme: 'http', upstream: `127.0.0.1:${b}`, uri: '/x/' } }),
            loc({
              path: '/ws/',
              httpVersion: '1.1',
              setHeaders: [
                { name: 'Upgrade', value: '$http_upgrade' },
                { name: 'Connection', value: 'upgrade' },
              ],
            }),
          ],
          ['example.test'],
        ),
      ],
      {
        backend: roundRobinPicker('backend', [{ host: '127.0.0.1', port: b }]),
        backend_ka: roundRobinPicker('backend_ka', [{ host: '127.0.0.1', port: b }], keepaliveParams(4)),
        [`127.0.0.1:${b}`]: roundRobinPicker(`127.0.0.1:${b}`, [{ host: '127.0.0.1', port: b }]),
      },
    );
    for (const [name, port] of [
      ['nginx', nginxPort],
      ['tandem', tandem.port],
    ] as const) {
      backend.heads.length = 0;
      backend.bodies.length = 0;
      for (const r of requests) {
        const res = await rawRequest(port, r);
        assert.equal(res.status, 200, `${name}: ${r.split('\r\n')[0] ?? ''}`);
      }
      if (process.env.DUMP_HEADS !== undefined) console.log(name, backend.heads);
      heads[name] = backend.heads.map((h) => h.replaceAll(`: ${port}\r\n`, ': PORT\r\n'));
      bodies[name] = [...backend.bodies];
    }
  });

  after(async () => {
    await tandem?.close();
    await nginx?.stop();
    await backend.close();
  });

  requests.forEach((r, i) => {
    it(`sends what nginx sends for ${r.split('\r\n')[0] ?? ''}`, () => {
      assert.equal(heads.tandem[i], heads.nginx[i]);
      assert.equal(bodies.tandem[i], bodies.nginx[i]);
    });
  });

  it('uses HTTP/1.0 with Connection: close and Host $proxy_host by default', () => {
    assert.match(
      heads.tandem[0] ?? '',
      /^GET \/default\/a\?b=1 HTTP\/1\.0\r\nHost: backend\r\nConnection: close\r\n/,
    );
  });
});
