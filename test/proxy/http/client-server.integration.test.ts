/**
 * Tandem's own HTTP/1.1 server (request parser, response writer, connection cycle) against real
 * nginx 1.22: the same bytes are sent to both and the answers (status line, headers but Date,
 * page, and whether the connection was closed) must be equal: malformed and oversized heads,
 * pipelining, HTTP/1.0 keep-alive, `Expect: 100-continue`, bodies. Timeouts are checked on the
 * listener with short values (nginx's are 60 s and 75 s).
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpListener } from '../../../src/proxy/http/http-listener.js';
import { sendPage } from '../../../src/proxy/http/error-pages.js';
import { nginxAvailable, startNginx, type RunningNginx } from '../../helpers/nginx.js';
import { loc, ret, server } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';
import { startTandem, type RunningTandem } from './helpers/tandem.js';

/** Sends `bytes` (in pieces, `gapMs` apart) and reads until close or `idleMs` of silence. */
async function exchange(
  port: number,
  pieces: readonly (string | Buffer)[],
  idleMs = 300,
  gapMs = 0,
): Promise<{ text: string; closed: boolean }> {
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  let data = '';
  const state = { closed: false };
  s.on('data', (d: Buffer) => (data += d.toString('latin1')));
  s.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => s.once('close', () => resolve()));
  void ended.then(() => (state.closed = true));
  for (const p of pieces) {
    if (!s.destroyed) s.write(p);
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
  }
  let last = data.length;
  for (;;) {
    await Promise.race([ended, new Promise((r) => setTimeout(r, idleMs))]);
    if (state.closed || data.length === last) break;
    last = data.length;
  }
  s.destroy();
  return { text: data.replace(/^Date: .*\r\n/gm, ''), closed: state.closed };
}

const host = 'Host: a.test\r\n';
const CASES: Record<string, string | readonly string[]> = {
  'request line over 8k': `GET /${'a'.repeat(8200)} HTTP/1.1\r\n${host}\r\n`,
  'request line at the limit': `GET /${'a'.repeat(8176)} HTTP/1.1\r\n${host}\r\n`,
  'header line over 8k': `GET / HTTP/1.1\r\n${host}X-A: ${'a'.repeat(8200)}\r\n\r\n`,
  'head over 32k': `GET / HTTP/1.1\r\n${host}${Array.from({ length: 40 }, (_, i) => `X-${i}: ${'a'.repeat(1000)}\r\n`).join('')}\r\n`,
  garbage: 'HELLO\r\n\r\n',
  'HTTP/2.0': `GET / HTTP/2.0\r\n${host}\r\n`,
  'no Host in HTTP/1.1': 'GET / HTTP/1.1\r\n\r\n',
  'no Host in HTTP/1.0': 'GET / HTTP/1.0\r\n\r\n',
  'HTTP/1.0 keep-alive': 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'two Hosts': `GET / HTTP/1.1\r\n${host}Host: b\r\n\r\n`,
  'space before colon': 'GET / HTTP/1.1\r\nHost : a\r\n\r\n',
  'NUL in a value': `GET / HTTP/1.1\r\n${host}X: a\x00b\r\n\r\n`,
  'folded line': `GET / HTTP/1.1\r\n${host}X: a\r\n b\r\n\r\n`,
  'invalid names ignored': `GET / HTTP/1.1\r\n${host}X_Y: 1\r\nNoColon\r\n\r\n`,
  'lower-case method': `get / HTTP/1.1\r\n${host}\r\n`,
  'bare LF': 'GET / HTTP/1.1\nHost: a\n\n',
  'Content-Length and chunked': `POST / HTTP/1.1\r\n${host}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  'bad Content-Length': `POST / HTTP/1.1\r\n${host}Content-Length: x\r\n\r\n`,
  'gzip Transfer-Encoding': `POST / HTTP/1.1\r\n${host}Transfer-Encoding: gzip\r\n\r\n`,
  pipelined: `GET /1 HTTP/1.1\r\n${host}\r\nGET /2 HTTP/1.1\r\n${host}\r\nGET /3 HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  'pipelined with a body to drop': `POST / HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
  'split at every line': ['GET / HT', 'TP/1.1\r', '\nHost: a', '\r\n', '\r\n'],
  'proxied chunked body': `POST /p/ HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n`,
  'proxied Expect: 100-continue': [
    `PUT /p/ HTTP/1.1\r\n${host}Content-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    'body',
  ],
  'proxied, unknown length, HTTP/1.1 client (chunked)': `GET /p/stream HTTP/1.1\r\n${host}\r\n`,
  'proxied, unknown length, HTTP/1.0 client (close)':
    'GET /p/stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'proxied HEAD': `HEAD /p/x HTTP/1.1\r\n${host}\r\n`,
  'proxied, pipelined behind a slow response': `GET /p/stream HTTP/1.1\r\n${host}\r\nGET /p/2 HTTP/1.1\r\n${host}\r\n`,
  'bad chunk on a proxied body': `POST /p/ HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
};

describe(
  'Tandem HTTP server compared with real nginx',
  { skip: !nginxAvailable() && !process.env.CI },
  () => {
    let nginx: RunningNginx | undefined;
    let tandem: RunningTandem | undefined;
    let backend: Server | undefined;

    before(async () => {
      // The backend answers with what it received, so the body decoding is compared too.
      backend = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.setHeader('Content-Type', 'text/plain');
          res.setHeader('X-Custom', 'after the fixed slots');
          const text = `${req.method ?? ''} ${req.url ?? ''} ${Buffer.concat(chunks).toString()}`;
          // /p/stream: no length, so the body is close-delimited upstream and re-framed for the client.
          if (req.url?.startsWith('/p/stream') === true) {
            res.write(text);
            setTimeout(() => res.end(' and more'), 20);
          } else res.end(text);
        });
      });
      backend.listen(0, '127.0.0.1');
      await once(backend, 'listening');
      const bport = (backend.address() as AddressInfo).port;
      nginx = await startNginx(
        `server { listen 127.0.0.1:PORT; location / { return 200 "ok\\n"; }
         location /p/ { proxy_pass http://127.0.0.1:${bport}; proxy_buffering off; } }`,
      );
      tandem = await startTandem(
        [
          server([
            ret('prefix', '/', 'ok\n'),
            loc({ path: '/p/', proxyPass: { scheme: 'http', upstream: 'b' } }),
          ]),
        ],
        {
          b: roundRobinPicker('b', [{ host: '127.0.0.1', port: bport }]),
        },
      );
    });

    after(async () => {
      await tandem?.close();
      await nginx?.stop();
      backend?.close();
    });

    for (const [name, bytes] of Object.entries(CASES)) {
      it(`${name}: the same answer and close`, async () => {
        const pieces = typeof bytes === 'string' ? [bytes] : bytes;
        const gap = typeof bytes === 'string' ? 0 : 50;
        const [want, got] = await Promise.all([
          exchange(nginx?.port ?? 0, pieces, 300, gap),
          exchange(tandem?.port ?? 0, pieces, 300, gap),
        ]);
        assert.ok(want.text.length > 0 || name.includes('never'), 'nginx answered');
        assert.equal(got.text, want.text);
        assert.equal(got.closed, want.closed, want.closed ? 'nginx closed' : 'nginx kept the connection');
      });
    }
  },
);

describe('HTTP listener timeouts (nginx client_header_timeout and keepalive_timeout)', () => {
  let listener: HttpListener | undefined;
  let port = 0;

  before(async () => {
    listener = new HttpListener('nginx/1.22.1', {
      headerMs: 300,
      keepaliveMs: 500,
      lingerMs: 200,
      sweepMs: 20,
    });
    listener.handler = (_req, res) => sendPage(res, 404, 'nginx/1.22.1');
    listener.server.listen(0, '127.0.0.1');
    await once(listener.server, 'listening');
    port = listener.address()?.port ?? 0;
  });

  after(async () => {
    listener?.closeAllConnections();
    await new Promise<void>((resolve) => listener?.close(resolve));
  });

  it('closes an incomplete head after client_header_timeout without an answer (nginx logs 408)', async () => {
    const started = Date.now();
    const r = await exchange(port, ['GET / HTTP/1.1\r\nHost: a\r\n'], 2000);
    assert.equal(r.text, '');
    assert.ok(r.closed);
    assert.ok(Date.now() - started >= 280, 'not before the timeout');
  });

  it('drops an unread body, and closes the connection when it stalls for lingering_timeout', async () => {
    const started = Date.now();
    const r = await exchange(
      port,
      ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789'],
      2000,
    );
    assert.match(r.text, /^HTTP\/1\.1 404 Not Found\r\n[^]*Connection: keep-alive\r\n/);
    assert.ok(r.closed);
    const took = Date.now() - started;
    assert.ok(
      took >= 180 && took < 480,
      `closed after lingering_timeout, not keepalive_timeout (${took} ms)`,
    );
  });

  it('keeps an idle connection for keepalive_timeout, then closes it silently', async () => {
    const started = Date.now();
    const r = await exchange(port, ['GET / HTTP/1.1\r\nHost: a\r\n\r\n'], 2000);
    assert.match(r.text, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.ok(r.closed);
    assert.ok(Date.now() - started >= 480, 'kept for keepalive_timeout');
    for (let i = 0; i < 50 && (listener?.connections.size ?? 0) > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(listener?.connections.size, 0, 'no connection left');
  });
});
