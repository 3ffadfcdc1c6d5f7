/**
 * Fuzzing the keepalived.conf loader: mutated fixtures (deleted ranges, injected braces, quotes,
 * comment characters, definitions, sequences, includes, huge numbers, duplicated and swapped lines)
 * must never make Tandem throw or hang, and every message must carry a location.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { fixedHost, loadKeepalivedConfig } from '../../../src/config/keepalived.js';
import { FIXTURE_DIR, FIXTURE_INTERFACES, fixtureCases } from './fixtures.js';

const TOKENS = [
  '{',
  '}',
  '"',
  "'",
  '#',
  '!',
  '\\',
  '\\#',
  '$X',
  '${X}',
  '$X=1',
  '$X=$X',
  '$M= \\',
  '~SEQ(i, 1, 3) ',
  '~SEQ(i, 1, 100000000) x',
  '~SEQx(j, 0) ',
  '~LST(a, 1, 2) ',
  '~LST({a,b},{1,2}) ',
  '@nodeA ',
  '@^nodeA ',
  'include *.conf',
  'include /nonexistent/*',
  '\n',
  '\r\n',
  ' ',
  'vrrp_instance',
  'virtual_ipaddress {',
  'track_script {',
  'vrrp_script s {',
  '999999999999999999999',
  '-1',
  '0',
  '0.0000001',
  '255',
  'fe80::1',
  '10.0.0.1/33',
  'state',
  'MASTER',
  'priority',
  'authentication {',
  'vrrp_sync_group g { group { VI_1 } }',
  'notify "/bin/echo \'a',
  '\\x41',
  '\u00e9',
];

type Op =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'dupLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('dupLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
);

function mutate(text: string, ops: readonly Op[]): string {
  let t = text;
  for (const o of ops) {
    if (o.kind === 'delete') {
      const at = t.length === 0 ? 0 : o.at % t.length;
      t = t.slice(0, at) + t.slice(at + o.len);
    } else if (o.kind === 'insert') {
      const at = t.length === 0 ? 0 : o.at % (t.length + 1);
      t = t.slice(0, at) + o.token + t.slice(at);
    } else {
      const lines = t.split('\n');
      if (lines.length === 0) continue;
      if (o.kind === 'dupLine') {
        const i = o.line % lines.length;
        lines.splice(i, 0, lines[i] ?? '');
      } else {
        const a = o.a % lines.length;
        const b = o.b % lines.length;
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      }
      t = lines.join('\n');
    }
  }
  return t;
}

describe('keepalived.conf loader under fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kafuzz-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const sources = fixtureCases().map((c) => readFileSync(join(FIXTURE_DIR, `${c}.conf`), 'latin1'));
  const host = fixedHost(FIXTURE_INTERFACES);

  it(
    'never throws, never hangs, always answers with a model or located messages',
    { timeout: 120000 },
    () => {
      let n = 0;
      fc.assert(
        fc.property(
          fc.nat({ max: sources.length - 1 }),
          fc.array(op, { minLength: 1, maxLength: 12 }),
          (which, ops) => {
            const file = join(dir, `case-${n++ % 4}.conf`);
            writeFileSync(file, mutate(sources[which] ?? '', ops), 'latin1');
            const load = loadKeepalivedConfig(file, { host, configId: 'nodeA', random: () => 0.5 });
            assert.ok(load.model !== undefined || load.diagnostics.length > 0);
            assert.ok([0, 2, 4, 5, 6].includes(load.exitClass));
            for (const d of load.diagnostics) {
              assert.ok(d.loc !== undefined, `unlocated message: ${d.message}`);
              assert.ok(d.loc.line >= 1 && d.loc.col >= 1, `bad location for: ${d.message}`);
            }
            if (load.exitClass === 0) assert.ok(load.model !== undefined);
          },
        ),
        { numRuns: 1000, seed: 20261120 },
      );
    },
  );
});
