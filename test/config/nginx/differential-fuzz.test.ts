import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { nginxConfigTest } from '../../../src/config/nginx.js';
import { FIXTURES, fixtureNames, fixturePath } from './fixtures.js';

const NGINX = process.env.TANDEM_NGINX_BINARY ?? 'nginx';
const available = spawnSync(NGINX, ['-v'], { stdio: 'ignore' }).status === 0;

/** Edits that keep a file close to valid, so both programs get past the lexer often. */
const PIECES = [
  ';',
  '{',
  '}',
  '"',
  '\\',
  '#',
  '$',
  ' ',
  '\n',
  'server',
  'upstream',
  'location',
  'proxy_pass',
  'http://',
  ':99999',
  ':0',
  'backup',
  'down',
  'weight=0',
  'ip_hash;',
  'hash $x consistent;',
  'random two;',
  'keepalive 0;',
  'listen',
  'default_server',
  'udp',
  '*',
  'return 999',
  '500ms',
  '=',
  '~*',
  '^~',
  '@',
  'zone z;',
  'proxy_next_upstream http_404;',
  '1h30m',
  '2.0',
  'off',
  'on',
  'max_conns=1',
  '1.2.3.4',
  'localhost',
  '[::1]',
  'least_conn;',
  'keepalive 2;',
  'proxy_http_version 1.1;',
  'location /a { }',
];

const edit = fc.tuple(fc.nat(), fc.constantFrom(...PIECES), fc.boolean(), fc.integer({ min: 1, max: 8 }));

/**
 * The soundness of `tandem -t` against the real `nginx -t` on mutated fixtures. Two claims hold for
 * every file: Tandem never refuses what nginx accepts, and never passes what nginx refuses. (Where
 * nginx refuses a detail inside a directive Tandem does not honour, Tandem may call the file valid
 * nginx, but its test still fails because of that directive.)
 */
describe('differential fuzz: tandem -t is sound against the real nginx -t', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-dfuzz-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // Loud locally, fatal under CI (design.md §5).
  const skip = available || process.env.CI === 'true' ? false : `${NGINX} not installed`;
  it('agrees on 150 mutated fixtures', { skip }, () => {
    assert.ok(available, `${NGINX} is required under CI=true`);
    // Relative includes and certificates resolve against the config's directory, as in the fixtures.
    for (const sub of ['includes', 'tls']) {
      mkdirSync(join(dir, sub));
      for (const f of readdirSync(join(FIXTURES, sub)))
        copyFileSync(join(FIXTURES, sub, f), join(dir, sub, f));
    }
    const sources = fixtureNames().map((n) => readFileSync(fixturePath(n), 'utf8'));
    let n = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        (i, edits) => {
          let text = sources[i] ?? '';
          for (const [at0, piece, insert, len] of edits) {
            const at = at0 % (text.length + 1);
            text = insert
              ? text.slice(0, at) + piece + text.slice(at)
              : text.slice(0, at) + text.slice(at + len);
          }
          const file = join(dir, `case-${n++}.conf`);
          writeFileSync(file, text);
          const real = spawnSync(
            NGINX,
            [
              '-t',
              '-q',
              '-p',
              `${dir}/`,
              '-c',
              file,
              '-g',
              `pid ${dir}/nginx.pid; error_log ${dir}/error.log;`,
            ],
            { encoding: 'utf8', timeout: 20_000 },
          );
          // nginx -t binds its listeners; a mutated address that is not local fails there. Tandem binds
          // VIP listeners when VRRP makes this node master, so that is not a config error for it.
          if (/bind\(\) to .* failed/.test(real.stderr)) return;
          // Without root nginx -t cannot open its default log or bind low ports: not the file's fault.
          if (/failed \(13: Permission denied\)/.test(real.stderr)) return;
          const ours = nginxConfigTest(file);
          const shown = `${text}\n--- nginx:\n${real.stderr}\n--- tandem:\n${ours.lines.join('\n')}`;
          if (real.status === 0)
            assert.equal(ours.nginxAccepts, true, `Tandem refuses what nginx accepts:\n${shown}`);
          else assert.equal(ours.exitCode, 1, `Tandem passes what nginx refuses:\n${shown}`);
        },
      ),
      { numRuns: 150, seed: 4 },
    );
  });
});
