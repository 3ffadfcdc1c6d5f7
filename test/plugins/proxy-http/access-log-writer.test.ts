import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileLogFormat, openAccessLogs } from '../../../plugins/proxy-http/access-log-writer.js';
import { createMemoryLogger, type AccessEntry } from '../../../src/index.js';

const entry: AccessEntry = {
  remoteAddr: '127.0.3.2',
  request: 'GET /a/?k=1 HTTP/1.1',
  status: 502,
  upstreamAddr: '127.0.0.1:8081, u',
  upstreamStatus: '500, 502',
  requestTimeMs: 1234,
  host: 'example',
  headers: { 'x-req': '7', 'user-agent': 'say "hi"\u0001' },
};
const now = new Date(Date.UTC(2026, 10, 21, 1, 2, 3, 456));

describe('access_log lines in the log_format (ngx_http_log_module)', () => {
  it('fills the upstream variables per attempt, as nginx writes them', () => {
    const f = compileLogFormat('$http_x_req $status ua="$upstream_addr" us="$upstream_status"', 'default');
    assert.equal(f.line(entry, now), '7 502 ua="127.0.0.1:8081, u" us="500, 502"\n');
    assert.deepEqual(f.missing, []);
  });

  it('logs "-" for a variable without a value and names the ones Tandem cannot fill', () => {
    const f = compileLogFormat('$upstream_addr $http_referer $body_bytes_sent ${request_time}s', 'default');
    assert.equal(f.line({ ...entry, upstreamAddr: '' }, now), '- - - 1.234s\n');
    assert.deepEqual(f.missing, ['$body_bytes_sent']);
  });

  it('escapes as nginx: \\xHH by default, JSON with escape=json, raw with none', () => {
    assert.equal(compileLogFormat('$http_user_agent', 'default').line(entry, now), 'say \\x22hi\\x22\\x01\n');
    assert.equal(compileLogFormat('$http_user_agent', 'json').line(entry, now), 'say \\"hi\\"\\u0001\n');
    assert.equal(compileLogFormat('$http_user_agent', 'none').line(entry, now), 'say "hi"\u0001\n');
  });

  it('writes $remote_user from a Basic Authorization header, "-" without one', () => {
    const f = compileLogFormat('$remote_user $server_protocol', 'default');
    const auth = `Basic ${Buffer.from('ann:secret').toString('base64')}`;
    assert.equal(f.line({ ...entry, headers: { authorization: auth } }, now), 'ann HTTP/1.1\n');
    assert.equal(f.line(entry, now), '- HTTP/1.1\n');
  });

  it('writes $msec, $request_uri and $request_method', () => {
    const f = compileLogFormat('$msec $request_method $request_uri', 'default');
    assert.equal(f.line(entry, now), '1795222923.456 GET /a/?k=1\n');
  });

  it('appends to the file and reports an unwritable one once, without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-alog-'));
    const { logger, records } = createMemoryLogger();
    const loc = { file: 'n.conf', line: 1, col: 1 };
    const logs = openAccessLogs(
      [
        { path: join(dir, 'a.log'), formatName: 'f', format: '$status', escape: 'default', loc },
        { path: join(dir, 'missing', 'b.log'), formatName: 'f', format: '$status', escape: 'default', loc },
      ],
      logger,
    );
    logs.write(entry);
    logs.write({ ...entry, status: 200 });
    logs.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(readFileSync(join(dir, 'a.log'), 'utf8'), '502\n200\n');
    assert.equal(records.filter((r) => r.level === 'error').length, 1);
    rmSync(dir, { recursive: true, force: true });
  });
});
