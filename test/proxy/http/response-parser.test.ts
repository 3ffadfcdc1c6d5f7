import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ResponseParser, type ResponseHead } from '../../../src/proxy/http/response-parser.js';

interface Parsed {
  head?: ResponseHead;
  body: string;
  ended: boolean;
  ok: boolean;
  parser: ResponseParser;
}

/** Feeds `wire` split into pieces of `step` bytes (1 = every byte boundary). */
function parse(wire: string, step: number, method = 'GET'): Parsed {
  const p = new ResponseParser();
  const out: Parsed = { body: '', ended: false, ok: true, parser: p };
  p.reset(
    {
      onHead: (h) => (out.head = h),
      onBody: (c) => (out.body += c.toString('latin1')),
      onEnd: () => (out.ended = true),
    },
    method,
  );
  const buf = Buffer.from(wire, 'latin1');
  for (let i = 0; i < buf.length && out.ok; i += step) out.ok = p.execute(buf.subarray(i, i + step));
  return out;
}

describe('upstream response parser', () => {
  const chunked =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nT: x\r\n\r\n';
  for (const step of [1, 2, 7, 1000]) {
    it(`decodes chunked bodies split every ${step} bytes`, () => {
      const r = parse(chunked, step);
      assert.ok(r.ok);
      assert.equal(r.head?.framing, 'chunked');
      assert.deepEqual(r.head.headers, ['Transfer-Encoding', 'chunked', 'X-A', '1']);
      assert.equal(r.body, 'hello world');
      assert.ok(r.ended);
      assert.ok(r.head.keepAlive);
    });
    it(`reads Content-Length bodies split every ${step} bytes`, () => {
      const r = parse('HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc', step);
      assert.equal(r.head?.status, 404);
      assert.equal(r.head.reason, 'Not Found');
      assert.equal(r.body, 'abc');
      assert.ok(r.ended);
    });
  }

  it('skips 100 Continue and has no body for HEAD, 204 and 304', () => {
    const r = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 3, 'HEAD');
    assert.equal(r.head?.status, 200);
    assert.equal(r.head.framing, 'none');
    assert.ok(r.ended);
    assert.equal(parse('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n', 5).head?.framing, 'none');
  });

  it('reads an HTTP/1.0 body until close and does not keep the connection', () => {
    const r = parse('HTTP/1.0 200 OK\r\n\r\npartial', 4);
    assert.equal(r.head?.framing, 'close');
    assert.equal(r.head.keepAlive, false);
    assert.equal(r.body, 'partial');
    assert.equal(r.ended, false);
    assert.ok(r.parser.endOfStream());
    assert.ok(r.ended);
  });

  it('reports a cut-short body on end of stream', () => {
    const r = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', 100);
    assert.equal(r.parser.endOfStream(), false);
  });

  it('keeps bytes after a 101 head for the tunnel', () => {
    const r = parse('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi', 1000);
    assert.equal(r.head?.framing, 'upgrade');
    assert.equal(r.parser.leftover?.toString('latin1'), '\x81\x02hi');
  });

  it('rejects what nginx calls an invalid header', () => {
    for (const wire of [
      'HTTP/2 200\r\n\r\n',
      'garbage\r\n\r\n',
      'HTTP/1.1 200 OK\r\nNoColon\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    ]) {
      const r = parse(wire, 1000);
      assert.equal(r.ok, false, wire);
      assert.equal(r.parser.error, 'invalid_header');
    }
    // A NUL in a header line: nginx names the line up to it (found by the end-to-end differential).
    const nul = parse('HTTP/1.1 200 OK\r\nX-A\0: b\r\n\r\n', 1000);
    assert.equal(nul.parser.error, 'invalid_header');
    assert.equal(nul.parser.errorDetail, 'upstream sent invalid header: "X-A\\x00..."');
    const big = parse(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`, 1000);
    assert.equal(big.parser.error, 'too_big');
    const badChunk = parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 1000);
    assert.equal(badChunk.parser.error, 'invalid_body');
  });
});
