import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BodyDecoder } from '../../../src/proxy/http/body-decoder.js';
import { RequestParser, type HeadError, type RequestHead } from '../../../src/proxy/http/request-parser.js';

/** What one parse gave: the heads, their decoded bodies, and the refusal that stopped it. */
interface Outcome {
  heads: RequestHead[];
  bodies: string[];
  error: HeadError | 'bad-body' | undefined;
}

/**
 * Runs the parser and body decoder over `pieces` as a connection does: head, body by its framing,
 * next head. Pipelined requests are parsed one after the other.
 */
function run(pieces: readonly Buffer[]): Outcome {
  const parser = new RequestParser();
  const decoder = new BodyDecoder();
  const out: Outcome = { heads: [], bodies: [], error: undefined };
  let body: Buffer[] | undefined;
  const sink = { bodyData: (c: Buffer) => body?.push(Buffer.from(c)) };
  for (const buf of pieces) {
    let off = 0;
    while (off < buf.length && out.error === undefined) {
      if (body === undefined) {
        const r = parser.execute(buf, off, buf.length);
        if (r === -1) break;
        if (r === -2) {
          out.error = parser.error;
          break;
        }
        const head = parser.head!;
        out.heads.push(head);
        off = r;
        decoder.reset(head.contentLength, head.chunked);
        body = [];
        parser.reset();
      }
      if (!decoder.done) {
        const r = decoder.execute(buf, off, buf.length, sink);
        if (r < 0) out.error = 'bad-body';
        off = r < 0 ? buf.length : r;
      }
      if (decoder.done) {
        out.bodies.push(Buffer.concat(body).toString());
        body = undefined;
      }
    }
  }
  return out;
}

const one = (text: string | Buffer): Outcome =>
  run([Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1')]);

const PIPELINE =
  'POST /up?x=1 HTTP/1.1\r\nHost: a.test\r\nX-Tag: one\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer-A: 1\r\n\r\n' +
  'PUT /b HTTP/1.1\r\nHost: b.test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody' +
  'GET /c HTTP/1.0\r\nConnection: keep-alive\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n';

describe('request head parser (nginx 1.22 verdicts)', () => {
  it('parses pipelined requests, chunked and length bodies, identically at every split offset', () => {
    const whole = one(PIPELINE);
    assert.equal(whole.error, undefined);
    assert.deepEqual(
      whole.heads.map((h) => [h.method, h.url, h.httpVersion, h.keepAlive, h.contentLength, h.chunked]),
      [
        ['POST', '/up?x=1', '1.1', true, -1, true],
        ['PUT', '/b', '1.1', true, 4, false],
        ['GET', '/c', '1.0', true, -1, false],
      ],
    );
    assert.deepEqual(whole.bodies, ['hello, world', 'body', '']);
    assert.equal(whole.heads[1]?.expectContinue, true);
    assert.deepEqual(whole.heads[2]?.rawHeaders, ['Connection', 'keep-alive', 'X-Dup', '1', 'X-Dup', '2']);
    const buf = Buffer.from(PIPELINE, 'latin1');
    for (let i = 1; i < buf.length; i++) {
      const split = run([buf.subarray(0, i), buf.subarray(i)]);
      assert.deepEqual(split.heads, whole.heads, `split at ${i}`);
      assert.deepEqual(split.bodies, whole.bodies, `split at ${i}`);
    }
    const bytes = run([...buf].map((b) => Buffer.from([b])));
    assert.deepEqual(bytes.heads, whole.heads);
    assert.deepEqual(bytes.bodies, whole.bodies);
  });

  it('accepts what nginx accepts: bare LF, leading empty lines, extra spaces, HTTP/1.x minors', () => {
    const h = one('\r\n\r\nGET  /x  HTTP/1.1\nHost:  a \nX:\tb\t\n\n').heads[0];
    assert.deepEqual([h?.url, h?.host, h?.rawHeaders], ['/x', 'a', ['Host', 'a', 'X', 'b']]);
    assert.equal(one('GET / HTTP/1.3\r\nHost: a\r\n\r\n').heads[0]?.http11, true);
    assert.equal(one('GET / HTTP/1.0\r\n\r\n').heads[0]?.keepAlive, false);
    assert.equal(one('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n').heads[0]?.keepAlive, false);
    const up = one('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    assert.equal(up.heads[0]?.upgrade, true);
  });

  it('ignores header lines nginx ignores: invalid name bytes, no colon', () => {
    const h = one('GET / HTTP/1.1\r\nHost: a\r\nX_Y: 1\r\nX(y): 2\r\nNoColon\r\nOk: 3\r\n\r\n').heads[0];
    assert.deepEqual(h?.rawHeaders, ['Host', 'a', 'Ok', '3']);
  });

  const refusals: [string, string, HeadError][] = [
    ['a lower-case method', 'get / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['HTTP/0.9 (no version)', 'GET /\r\n\r\n', 400],
    ['a tab in the request line', 'GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['a control byte in the target', 'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['two Host lines', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['an empty Host', 'GET / HTTP/1.1\r\nHost:\r\n\r\n', 400],
    ['a Host with a slash', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 400],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400],
    ['an empty name', 'GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n', 400],
    ['a folded line', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n', 400],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n', 400],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n', 400],
    ['a non-numeric Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n', 400],
    ['a negative Content-Length', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n', 400],
    [
      'two Content-Lengths',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n',
      400,
    ],
    [
      'Content-Length with chunked',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
    ],
    ['Transfer-Encoding over HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    [
      'a Transfer-Encoding other than chunked',
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
      501,
    ],
  ];
  for (const [what, text, status] of refusals) {
    it(`refuses ${what} with ${status}`, () => {
      assert.equal(one(text).error, status);
    });
  }

  it('applies large_client_header_buffers 4 8k to the byte, split or not (a line with its LF fits in 8192)', () => {
    const line = (n: number): string => `GET /${'a'.repeat(n - 14)} HTTP/1.1`; // n bytes before CRLF
    const head = (l: string): string => `${l}\r\nHost: a\r\n\r\n`;
    const check = (text: string, want: HeadError | undefined): void => {
      assert.equal(one(text).error, want);
      const b = Buffer.from(text, 'latin1');
      for (const at of [1, 4000, 8189, 8190, 8191, 8192]) {
        assert.equal(run([b.subarray(0, at), b.subarray(at)]).error, want, `split at ${at}`);
      }
    };
    check(head(line(8190)), undefined);
    check(head(line(8191)), 414);
    check(`${line(8191)}\nHost: a\n\n`, undefined);
    check(head(line(9000)), 414);
    const hdr = (n: number): string => `GET / HTTP/1.1\r\nHost: a\r\nX-A: ${'a'.repeat(n - 5)}\r\n\r\n`;
    check(hdr(8190), undefined);
    check(hdr(8191), 'too-large');
    const many = (count: number): string =>
      `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: count }, (_, i) => `X-${i}: ${'a'.repeat(1000)}\r\n`).join('')}\r\n`;
    check(many(31), undefined);
    check(many(40), 'too-large');
  });

  it('refuses invalid chunked framing', () => {
    const post = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n';
    assert.equal(one(`${post}zz\r\n`).error, 'bad-body');
    assert.equal(one(`${post}5\r\nhelloXX`).error, 'bad-body');
    assert.equal(one(`${post}${'f'.repeat(16)}\r\n`).error, 'bad-body');
    assert.equal(one(`${post}0\r\n\r\n`).error, undefined);
  });
});
