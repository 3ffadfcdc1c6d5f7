import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { dumpNginxConfig, loadNginxConfig, nginxConfigTest } from '../../../src/config/nginx.js';
import { fixtureNames, fixturePath, fixtureResolver } from './fixtures.js';

/** Pieces that stress the lexer and the adapters: nginx punctuation, quotes, escapes and keywords. */
const PIECES = [
  ';',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '#',
  '$',
  '${',
  '}x',
  ' ',
  '\n',
  '\t',
  ')',
  '"a"b',
  "'\\''",
  'server',
  'upstream',
  'location',
  'proxy_pass',
  'http://',
  'https://',
  'unix:',
  '[::1]',
  '[',
  ']',
  ':99999',
  ':0',
  ':80',
  'backup',
  'down',
  'weight=0',
  'max_fails=',
  'fail_timeout=1y',
  'ip_hash;',
  'hash $x consistent;',
  'random two least_conn;',
  'keepalive 0;',
  'listen',
  'default_server',
  'udp',
  'include',
  '*',
  'events {}',
  'stream',
  'http',
  'return 999',
  '500ms',
  '1h30m',
  '10k',
  '=',
  '~*',
  '^~',
  '@',
  'load_module /nonexistent.so;',
  'zone z;',
  '\u00e9',
  '\u0000',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at) + m.piece + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

describe('nginx config fuzz: mutated fixtures never throw or hang', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-fuzz-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const sources = fixtureNames().map((n) => readFileSync(fixturePath(n), 'utf8'));

  it('reads 400 mutated files with located diagnostics and bounded time', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (i, ms) => {
          const text = ms.reduce(apply, sources[i] ?? '');
          const file = join(dir, `case-${n++}.conf`);
          writeFileSync(file, text);
          const started = performance.now();
          const r = loadNginxConfig(file, { resolveHost: fixtureResolver, defaultListenPort: 80 });
          const t = nginxConfigTest(file, { resolveHost: fixtureResolver, defaultListenPort: 80 });
          assert.ok(performance.now() - started < 5000, 'took longer than 5 s');
          assert.equal(r.ok, t.nginxAccepts);
          assert.equal(r.model !== undefined, r.ok);
          if (r.model !== undefined) assert.doesNotThrow(() => JSON.parse(dumpNginxConfig(r.model!)));
          for (const d of r.diagnostics) {
            assert.ok(d.message.length > 0);
            // Only the whole-file checks (no events section, unsized zones) may lack a position.
            if (d.loc === undefined) assert.match(d.message, /events|zone|worker_connections/);
          }
          assert.ok(t.lines.length > 0);
        },
      ),
      { numRuns: 400, seed: 20261120 },
    );
  });

  it('reads 300 files of arbitrary text, nginx punctuation and binary junk', () => {
    const alphabet = fc.constantFrom(...'{};"\'\\#$ \n\tabc019:/*=~^@()'.split(''));
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: alphabet, maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    let n = 0;
    fc.assert(
      fc.property(text, (t) => {
        const file = join(dir, `junk-${n++}.conf`);
        writeFileSync(file, t);
        const r = loadNginxConfig(file, { resolveHost: fixtureResolver, defaultListenPort: 80 });
        assert.equal(r.model !== undefined, r.ok);
        for (const d of r.diagnostics) assert.ok(d.message.length > 0);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
