/**
 * Virtual-server and location selection, and `return`, compared with a real nginx 1.22 running
 * the same server blocks: every block answers `return 200 "<name>"`, and the same Host/URI table
 * is sent to both.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { HttpServerParams, LocationMatchKind, LocationParams } from '../../../src/proxy/http/types.js';
import { get, header, rawRequest, type RawResponse } from './helpers/client.js';
import { freePort, startNginx, type RealNginx } from './helpers/nginx.js';
import { ret } from './helpers/params.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

interface Block {
  names: string[];
  isDefault: boolean;
  locations: [LocationMatchKind, string, string][];
}

const blocks: Block[] = [
  { names: ['first.test'], isDefault: false, locations: [['prefix', '/', 'first']] },
  {
    names: ['example.com', 'www.example.com'],
    isDefault: false,
    locations: [
      ['=', '/', 'exact-root'],
      ['prefix', '/', 'root'],
      ['prefix', '/documents/', 'documents'],
      ['^~', '/images/', 'images'],
      ['~*', '\\.(gif|jpg|jpeg)$', 'regex-img'],
      ['~', '^/api/v[0-9]+/', 'regex-api'],
      ['prefix', '/api/', 'api-prefix'],
      ['^~', '/api/v1/static/', 'api-static'],
    ],
  },
  { names: ['*.example.com'], isDefault: false, locations: [['prefix', '/', 'lead']] },
  { names: ['*.mail.example.com'], isDefault: false, locations: [['prefix', '/', 'lead-long']] },
  { names: ['.example.org'], isDefault: false, locations: [['prefix', '/', 'dot-org']] },
  { names: ['www.example.*'], isDefault: false, locations: [['prefix', '/', 'trail']] },
  {
    names: ['~^(?<user>[a-z]+)\\.example\\.net$'],
    isDefault: false,
    locations: [['prefix', '/', 'regex-net']],
  },
  { names: ['default.test'], isDefault: true, locations: [['prefix', '/', 'default']] },
];

const table: [string, string][] = [
  ['example.com', '/'],
  ['example.com', '/index.html'],
  ['EXAMPLE.com:80', '/documents/a.html'],
  ['example.com', '/documents/a.jpg'],
  ['example.com', '/images/a.jpg'],
  ['example.com', '/x/a.GIF'],
  ['example.com', '/api/v2/x'],
  ['example.com', '/api/vx/x'],
  ['example.com', '/api/v1/static/a.jpg'],
  ['example.com', '/a//b/../documents/x'],
  ['www.example.com', '/'],
  ['foo.example.com', '/'],
  ['a.mail.example.com', '/'],
  ['example.org', '/'],
  ['deep.sub.example.org', '/'],
  ['www.example.net', '/'],
  ['bob.example.net', '/'],
  ['unknown.test', '/'],
  ['first.test', '/'],
];

function conf(port: number): string {
  return blocks
    .map(
      (b) =>
        `server { listen 127.0.0.1:${port}${b.isDefault ? ' default_server' : ''}; server_name ${b.names
          .map((n) => `"${n}"`)
          .join(' ')};
  ${b.locations
    .map(([m, p, name]) => `location ${m === 'prefix' ? '' : m} "${p}" { return 200 "${name}"; }`)
    .join('\n  ')}
  location = /redirect { return 302 /elsewhere; }
  location = /gone { return 410; }
}`,
    )
    .join('\n');
}

function params(): HttpServerParams[] {
  return blocks.map((b) => ({
    listen: [{ host: '127.0.0.1', port: 0, defaultServer: b.isDefault }],
    serverNames: b.names,
    locations: [
      ...b.locations.map(([m, p, name]): LocationParams => ret(m, p, name)),
      ret('=', '/redirect', '/elsewhere', 302),
      { ...ret('=', '/gone', '', 410), return: { code: 410 } },
    ],
  }));
}

describe('server_name and location selection, compared with real nginx', () => {
  let nginx: RealNginx | undefined;
  let tandem: RunningTandem | undefined;
  let nginxPort = 0;

  before(async () => {
    nginxPort = await freePort();
    nginx = await startNginx(conf(nginxPort), [nginxPort]);
    tandem = await startTandem(params(), {});
    assert.deepEqual(tandem.diagnostics, []);
  });

  after(async () => {
    await tandem?.close();
    await nginx?.stop();
  });

  for (const [host, path] of table) {
    it(`Host ${host}, ${path}`, async () => {
      const n = await get(nginxPort, path, host);
      const t = await get(tandem?.port ?? 0, path, host);
      assert.equal(t.status, n.status);
      assert.equal(t.body.toString(), n.body.toString());
    });
  }

  function same(n: RawResponse, t: RawResponse, port: number, tport: number): void {
    assert.equal(t.head.split('\r\n')[0], n.head.split('\r\n')[0]);
    assert.equal(
      header(t.head, 'location')?.replace(`:${tport}`, ':P'),
      header(n.head, 'location')?.replace(`:${port}`, ':P'),
    );
    assert.equal(header(t.head, 'content-type'), header(n.head, 'content-type'));
    assert.equal(t.body.toString(), n.body.toString());
  }

  it('answers return 302 with an absolute Location and nginx page', async () => {
    const n = await get(nginxPort, '/redirect', 'example.com');
    const t = await get(tandem?.port ?? 0, '/redirect', 'example.com');
    assert.equal(t.status, 302);
    same(n, t, nginxPort, tandem?.port ?? 0);
  });

  it('answers return 410 with nginx page', async () => {
    const n = await get(nginxPort, '/gone', 'example.com');
    const t = await get(tandem?.port ?? 0, '/gone', 'example.com');
    assert.equal(t.status, 410);
    same(n, t, nginxPort, tandem?.port ?? 0);
  });

  for (const [what, request] of [
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header too large', `GET / HTTP/1.1\r\nHost: example.com\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`],
  ] as const) {
    it(`answers ${what} with nginx 400 page`, async () => {
      const n = await rawRequest(nginxPort, request);
      const t = await rawRequest(tandem?.port ?? 0, request);
      assert.equal(t.status, 400);
      assert.equal(t.head.split('\r\n')[0], n.head.split('\r\n')[0]);
      assert.equal(t.body.toString(), n.body.toString());
    });
  }
});
