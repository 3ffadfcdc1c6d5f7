import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bearerOf, cookieOf, isAuthorized, secretMatches, sessionValue } from '../../src/admin/auth.js';
import { adminListenProblem } from '../../src/admin/listen-policy.js';
import { StatusHub } from '../../src/admin/status-hub.js';
import { loadConfig } from '../../src/config/load.js';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { codeClassIndex } from '../../src/index.js';

describe('admin helpers', () => {
  it('classes statuses like HAProxy: 1xx..5xx, anything else "other"', () => {
    assert.deepEqual(
      [100, 199, 200, 302, 404, 499, 502, 599, 0, 600, 42].map(codeClassIndex),
      [0, 0, 1, 2, 3, 3, 4, 4, 5, 5, 5],
    );
  });

  it('compares tokens of any length without throwing, and reads bearer and cookie', () => {
    assert.equal(secretMatches('abc', 'abc'), true);
    assert.equal(secretMatches('abc', 'abcd'), false);
    assert.equal(secretMatches('abc', ''), false);
    assert.equal(bearerOf('Bearer  t0k '), 't0k');
    assert.equal(bearerOf('Basic dXNlcg=='), undefined);
    assert.equal(cookieOf('a=1; tandem_admin=xyz; b=2', 'tandem_admin'), 'xyz');
    assert.equal(isAuthorized('s3', { cookie: `tandem_admin=${sessionValue('s3')}` }), true);
    assert.equal(isAuthorized('s3', { cookie: `tandem_admin=${sessionValue('other')}` }), false);
    assert.equal(isAuthorized('s3', {}), false);
    assert.notEqual(sessionValue('s3'), 's3');
  });

  it('allows loopback without a token and anything with one', () => {
    assert.equal(adminListenProblem({ host: '127.0.0.1', port: 1 }), undefined);
    assert.equal(adminListenProblem({ host: '::1', port: 1 }), undefined);
    assert.equal(adminListenProblem({ host: 'localhost', port: 1 }), undefined);
    assert.equal(adminListenProblem({ host: '0.0.0.0', port: 1, token: 'x' }), undefined);
    assert.match(adminListenProblem({ host: '::', port: 9100 }) ?? '', /on \[::\]:9100 without a token/);
  });
});

describe('status hub (server-sent events)', () => {
  it('sends the document on subscribe, then only when it changed', () => {
    let doc = '{"n":1}';
    const hub = new StatusHub(() => doc, 60_000);
    const got: string[] = [];
    const off = hub.subscribe((c) => got.push(c));
    assert.deepEqual(got, ['retry: 1000\nevent: status\ndata: {"n":1}\n\n']);
    hub.poke();
    assert.equal(got.length, 1, 'unchanged: nothing sent');
    doc = '{"n":2}';
    hub.poke();
    assert.deepEqual(got.slice(1), ['event: status\ndata: {"n":2}\n\n']);
    off();
    assert.equal(hub.size, 0);
    doc = '{"n":3}';
    hub.poke();
    assert.equal(got.length, 2, 'no clients: nothing rendered or sent');
    hub.close();
  });

  it('skips a tick whose render throws, and reports it', () => {
    let fail = false;
    const errors: unknown[] = [];
    const hub = new StatusHub(
      () => {
        if (fail) throw new Error('engine bug');
        return '{}';
      },
      60_000,
      (e) => errors.push(e),
    );
    const got: string[] = [];
    hub.subscribe((c) => got.push(c));
    fail = true;
    hub.poke();
    assert.equal(got.length, 1);
    assert.equal(errors.length, 1);
    hub.close();
  });

  it('sends a keep-alive comment about every 15 s of ticks', () => {
    const hub = new StatusHub(() => '{}', 500);
    const got: string[] = [];
    hub.subscribe((c) => got.push(c));
    for (let i = 0; i < 30; i++) hub.tick();
    assert.deepEqual(got.slice(1), [': keep-alive\n\n']);
    hub.close();
  });
});

describe('tandem.conf dumps block', () => {
  it('resolves dump paths against the file and reports unknown keys where they are', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-dumps-'));
    const file = join(dir, 'tandem.conf');
    writeFileSync(file, 'dumps {\n  data run/ka.data;\n  stats /var/tmp/ka.stats;\n}\n');
    const ok = loadConfig({ tandemFile: file });
    assert.deepEqual(ok.model?.tandem.dumps, { data: join(dir, 'run/ka.data'), stats: '/var/tmp/ka.stats' });
    writeFileSync(file, 'dumps {\n  jsn /tmp/x;\n}\n');
    const bad = loadConfig({ tandemFile: file });
    assert.deepEqual(bad.diagnostics.map(formatDiagnostic), [
      `${file}:2:3: unknown directive "jsn" in dumps`,
    ]);
  });
});
