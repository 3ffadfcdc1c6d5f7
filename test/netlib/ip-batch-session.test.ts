import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TandemError } from '../../src/core/errors.js';
import { IpCommand } from '../../src/net/ip-command.js';
import { repoRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-ipbatch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const waitFor = async (what: string, ok: () => boolean, ms = 3000): Promise<void> => {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
};

/**
 * A stand-in for iproute2 that needs no root: `-batch -` answers each line as `ip -force` does
 * (stderr `Command failed -:N` for a line that fails, nothing for one that succeeds; lines with
 * "fail" or the end mark fail), logs every line it ran to $LOG, and `-batch FILE` appends FILE there.
 */
function fakeIp(): { path: string; log: string } {
  const path = join(dir, 'fake-ip');
  const log = join(dir, 'ran.log');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'for last; do :; done',
      '# The session is `ip -batch - -force`; the release, `ip -force -batch FILE`.',
      'if [ "$last" != "-force" ]; then sed "s/^/release: /" "$last" >> "$LOG"; exit 0; fi',
      'n=0',
      'while IFS= read -r line; do',
      '  n=$((n + 1))',
      '  echo "$line" >> "$LOG"',
      '  case "$line" in *fail*|*tandem-batch-end*) echo "Error: $line" >&2; echo "Command failed -:$n" >&2;; esac',
      'done',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  process.env.LOG = log;
  return { path, log };
}

describe('the persistent ip -batch session', () => {
  test('each line of each request gets its own outcome, concurrent requests in order', async () => {
    // The real iproute2, read-only commands (no root needed).
    const ip = new IpCommand({ persistent: true });
    try {
      const [a, b] = await Promise.all([
        ip.batch(['link show dev lo', 'link show dev tandem-none0', 'addr show dev lo']),
        ip.batch(['link show dev tandem-none1']),
      ]);
      assert.deepEqual(
        a.map((r) => r.ok),
        [true, false, true],
      );
      assert.match(a[1]!.error ?? '', /tandem-none0/);
      assert.deepEqual(
        b.map((r) => [r.ok, /tandem-none1/.test(r.error ?? '')]),
        [[false, true]],
      );
      const again = await ip.batch(['link show dev lo']);
      assert.deepEqual(again, [{ line: 'link show dev lo', ok: true }]);
    } finally {
      await ip.close();
    }
  });

  test('a line break inside a line is refused, not passed to ip as two commands', async () => {
    const ip = new IpCommand({ persistent: true });
    try {
      await assert.rejects(ip.batch(['link show dev lo\nlink del dev lo']), (e: unknown) => {
        return e instanceof TandemError && e.code === 'TANDEM_ERR_NET_COMMAND';
      });
    } finally {
      await ip.close();
    }
  });

  test('the release file runs when the session is closed, and a new process after one died', async () => {
    const { path, log } = fakeIp();
    writeFileSync(log, '');
    const release = join(dir, 'owned.release');
    writeFileSync(release, 'addr del 198.51.100.100/24 dev eth0\n');
    const ip = new IpCommand({ persistent: true, ipPath: path, releaseFile: release });
    const out = await ip.batch(['addr add 198.51.100.100/24 dev eth0', 'addr add fail']);
    assert.deepEqual(
      out.map((r) => r.ok),
      [true, false],
    );
    await ip.close();
    // After its process ended, the session starts a new one (line numbers count from 1 again).
    const later = await ip.batch(['addr add fail again', 'addr show dev eth0']);
    assert.deepEqual(
      later.map((r) => r.ok),
      [false, true],
    );
    await ip.close();
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      'addr add 198.51.100.100/24 dev eth0',
      'addr add fail',
      'link show dev tandem-batch-end',
      'release: addr del 198.51.100.100/24 dev eth0',
      'addr add fail again',
      'addr show dev eth0',
      'link show dev tandem-batch-end',
      'release: addr del 198.51.100.100/24 dev eth0',
    ]);
  });

  test('kill -9 of the daemon: the session runs the release file (a crashed Tandem leaves no VIP)', async () => {
    const { path, log } = fakeIp();
    writeFileSync(log, '');
    const release = join(dir, 'crash.release');
    writeFileSync(release, 'addr del 198.51.100.100/24 dev eth0\n');
    const module = join(repoRoot, 'dist/src/net/ip-command.js');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { IpCommand } = await import(${JSON.stringify(module)});
         const ip = new IpCommand({ persistent: true, ipPath: ${JSON.stringify(path)}, releaseFile: ${JSON.stringify(release)} });
         await ip.batch(['addr add 198.51.100.100/24 dev eth0']);
         process.stdout.write('ready\\n');
         setInterval(() => undefined, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', () => reject(new Error('the daemon stand-in exited early')));
      });
      child.kill('SIGKILL');
      await waitFor('the release to run', () => readFileSync(log, 'utf8').includes('release: addr del'));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
