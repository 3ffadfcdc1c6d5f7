import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nginxConfigTest } from '../../../src/config/nginx.js';
import { fixtureNames, fixturePath } from './fixtures.js';

/** The real nginx 1.22 this project must agree with (Debian's package, with libnginx-mod-stream). */
const NGINX = process.env.TANDEM_NGINX_BINARY ?? 'nginx';

function nginxAvailable(): boolean {
  return spawnSync(NGINX, ['-v'], { stdio: 'ignore' }).status === 0;
}

/**
 * Runs `nginx -t` on a file without touching /etc or /var: a temporary prefix, and the pid and error
 * log moved into it by -g. Stream fixtures load the module themselves (`load_module` with an absolute path).
 */
function realNginxTest(prefix: string, file: string): { accepted: boolean; output: string } {
  const r = spawnSync(
    NGINX,
    [
      '-t',
      '-q',
      '-p',
      `${prefix}/`,
      '-c',
      file,
      '-g',
      `pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`,
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return { accepted: r.status === 0, output: `${r.stderr}${r.stdout}` };
}

/**
 * nginx's first [emerg] message without its location (` in FILE:LINE`) and without OpenSSL's detail
 * in parentheses, which Tandem words in its own way.
 */
function firstError(output: string): string {
  const line = output.split('\n').find((l) => l.includes('[emerg]')) ?? '';
  return normalise(line.replace(/^.*\[emerg\] (?:\d+#\d+: )?/, '').replace(/ in \S+:\d+$/, ''));
}

function normalise(message: string): string {
  return message.replace(/ \((?:SSL: |key values)[^]*\)$/, '');
}

/** The message of one `tandem -t` line (`file:line:col: message`, or `file: message`). */
function messageOf(line: string): string {
  const m = /^\S+?:(?:\d+:\d+:)? (.*)$/.exec(line);
  return normalise(m?.[1] ?? line);
}

describe('differential: tandem -t agrees with the real nginx -t on every fixture', () => {
  const available = nginxAvailable();
  let prefix = '';
  before(() => {
    prefix = mkdtempSync(join(tmpdir(), 'tandem-nginx-t-'));
  });
  after(() => {
    if (prefix !== '') rmSync(prefix, { recursive: true, force: true });
  });
  if (!available) {
    // Loud locally, fatal under CI (design.md §5).
    it('needs the real nginx', { skip: process.env.CI === 'true' ? false : `${NGINX} not installed` }, () => {
      assert.fail(`${NGINX} is required under CI=true`);
    });
    return;
  }
  for (const name of fixtureNames()) {
    it(name, (t) => {
      const file = fixturePath(name);
      const real = realNginxTest(prefix, file);
      // Without root, nginx -t fails for reasons that are not the file's: it binds ports below 1024 and
      // opens its default log /var/log/nginx/access.log. Tandem runs as root, so these are skipped.
      if (/failed \(13: Permission denied\)/.test(real.output)) {
        t.skip('nginx -t needs root for this file (privileged port or default log)');
        return;
      }
      // The default resolver, as `tandem -t` runs it: getaddrinfo like nginx.
      const ours = nginxConfigTest(file);
      assert.equal(
        ours.nginxAccepts,
        real.accepted,
        `nginx ${real.accepted ? 'accepts' : 'refuses'} ${name}:\n${real.output}\ntandem says:\n${ours.lines.join('\n')}`,
      );
      // Where Tandem can honour the whole file, its exit code is nginx's.
      if (!name.startsWith('warn-')) assert.equal(ours.exitCode === 0, real.accepted);
      // And where nginx refuses it, Tandem says what nginx says (its first error, in nginx's words).
      if (!real.accepted) {
        const theirs = firstError(real.output);
        const mine = ours.lines.map(messageOf);
        assert.ok(mine.includes(theirs), `nginx says "${theirs}"; tandem says:\n${ours.lines.join('\n')}`);
      }
    });
  }
});
