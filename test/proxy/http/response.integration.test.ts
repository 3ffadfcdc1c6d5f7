/**
 * What the client receives for an upstream response, compared with real nginx 1.22: status line,
 * the upstream headers nginx passes (and those it hides), its own Server header, and bodies
 * re-framed from Content-Length, chunked and close-delimited upstream responses.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { startRecorder, type Recorder } from './helpers/backends.js';
import { header, rawRequest, type RawResponse } from './helpers/client.js';
import { freePort, startNginx, type RealNginx } from './helpers/nginx.js';
import { loc, server } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

const upstreamHeaders = [
  'Server: backend/1.0',
  'Date: Mon, 01 Jan 2024 00:00:00 GMT',
  'X-Pad: avoid browser bug',
  'X-Accel-Expires: 10',
  'Keep-Alive: timeout=5',
  'Content-Type: text/plain',
  'Set-Cookie: a=1',
  'X-Multi: one',
  'Set-Cookie: b=2',
  'Cache-Control: no-cache',
].join('\r\n');

const responses: Record<string, string> = {
  length: `HTTP/1.1 201 Created\r\n${upstreamHeaders}\r\nContent-Length: 5\r\n\r\nhello`,
  chunked: `HTTP/1.1 200 OK\r\n${upstreamHeaders}\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`,
  close: `HTTP/1.0 200 OK\r\n${upstreamHeaders}\r\n\r\nuntil close`,
  noreason: 'HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno',
};

/** Upstream Location values, for nginx's `proxy_redirect default`. */
const redirects: Record<string, string> = {
  own: 'http://backend/two/x?y=1',
  relative: '/login',
  foreign: 'http://elsewhere/two/x',
  root: 'http://backend/a',
};

/**
 * The response head lines minus Date's value and the framing/connection headers the two may pick
 * differently. Trailing blanks are trimmed: for an upstream status line without a reason nginx
 * writes `HTTP/1.1 404`, Node `HTTP/1.1 404 ` (it always puts a space after the code).
 */
function comparable(r: RawResponse): string[] {
  return r.head
    .split('\r\n')
    .map((l) => l.trimEnd())
    .map((l) => (l.startsWith('Date: ') ? 'Date: *' : l))
    .filter((l) => !/^(connection|keep-alive|transfer-encoding|content-length):/i.test(l));
}

/** The body with chunked framing removed. */
function payload(r: RawResponse): string {
  const raw = r.body.toString('latin1');
  if (!/^transfer-encoding:\s*chunked/im.test(r.head)) return raw;
  let out = '';
  let rest = raw;
  for (;;) {
    const nl = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, nl), 16);
    if (!(size > 0)) return out;
    out += rest.slice(nl + 2, nl + 2 + size);
    rest = rest.slice(nl + 4 + size);
  }
}

describe('responses the client receives, compared with real nginx', () => {
  let backend: Recorder;
  let nginx: RealNginx | undefined;
  let tandem: RunningTandem | undefined;
  let nginxPort = 0;

  before(async () => {
    backend = await startRecorder((head, _b, s) => {
      const kind = /^\w+ \/(?:two\/)?(\w+)/.exec(head)?.[1] ?? 'length';
      const location = redirects[kind];
      s.end(
        location === undefined
          ? (responses[kind] ?? '')
          : `HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`,
      );
    });
    nginxPort = await freePort();
    nginx = await startNginx(
      `upstream backend { server 127.0.0.1:${backend.port}; }
       server { listen 127.0.0.1:${nginxPort}; location / { proxy_pass http://backend; }
         location /one/ { proxy_pass http://backend/two/; } }`,
      [nginxPort],
    );
    const two = loc({ path: '/one/', proxyPass: { scheme: 'http', upstream: 'backend', uri: '/two/' } });
    tandem = await startTandem([server([loc({ path: '/' }), two])], {
      backend: roundRobinPicker('backend', [{ host: '127.0.0.1', port: backend.port }]),
    });
  });

  after(async () => {
    await tandem?.close();
    await nginx?.stop();
    await backend.close();
  });

  for (const kind of Object.keys(responses)) {
    it(`passes a ${kind} response as nginx does`, async () => {
      const req = `GET /${kind} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
      const n = await rawRequest(nginxPort, req);
      const t = await rawRequest(tandem?.port ?? 0, req);
      assert.deepEqual(comparable(t), comparable(n));
      assert.equal(payload(t), payload(n));
    });
  }

  for (const [kind, path] of [
    ['own', '/one/own'],
    ['relative', '/one/relative'],
    ['foreign', '/one/foreign'],
    ['root', '/root'],
  ] as const) {
    it(`rewrites an upstream Location as proxy_redirect default does (${kind})`, async () => {
      const req = `GET ${path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
      const n = await rawRequest(nginxPort, req);
      const t = await rawRequest(tandem?.port ?? 0, req);
      const where = (r: RawResponse, port: number): string | undefined =>
        header(r.head, 'location')?.replace(`:${port}/`, ':PORT/');
      assert.equal(t.status, 302);
      if (process.env.DUMP_LOCATION !== undefined)
        console.log(where(t, tandem?.port ?? 0), where(n, nginxPort));
      assert.equal(where(t, tandem?.port ?? 0), where(n, nginxPort));
    });
  }

  it('answers HEAD without a body but with the upstream length', async () => {
    const req = 'HEAD /length HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n';
    const n = await rawRequest(nginxPort, req);
    const t = await rawRequest(tandem?.port ?? 0, req);
    assert.deepEqual(comparable(t), comparable(n));
    assert.equal(t.body.length, 0);
  });
});
