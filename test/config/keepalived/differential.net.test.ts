/**
 * Differential test against the real keepalived 2.2: `keepalived -t -i nodeA -f FIXTURE` runs in a
 * network namespace this test creates with the interfaces the fixtures name (eth0, eth1, eth2, p2 as
 * two veth pairs), and its exit code must equal the exit class Tandem gives the same file.
 * Needs root and keepalived; without them it says so and skips, except under CI=true where that fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_CONFIG_ID, FIXTURE_DIR, fixtureCases, loadFixture } from './fixtures.js';

const NS = `tandem-kadiff-${process.pid}`;

function keepalivedPath(): string | undefined {
  for (const p of ['/usr/sbin/keepalived', '/usr/local/sbin/keepalived', '/sbin/keepalived']) {
    const r = spawnSync(p, ['-v'], { encoding: 'utf8' });
    if (r.status === 0 || r.stderr.includes('Keepalived')) return p;
  }
  return undefined;
}

const binary = keepalivedPath();
const isRoot = process.getuid?.() === 0;
const why =
  binary === undefined ? 'keepalived is not installed' : !isRoot ? 'not running as root' : undefined;
if (why !== undefined) {
  const msg = `SKIPPING keepalived differential test: ${why}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (required under CI)`);
  console.warn(`\n*** ${msg} ***\n`);
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: 'pipe' });
};

describe('keepalived -t agrees with tandem -t on every fixture', { skip: why }, () => {
  before(() => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
    ip('-n', NS, 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'p2');
    for (const dev of ['lo', 'eth0', 'eth1', 'eth2', 'p2']) ip('-n', NS, 'link', 'set', dev, 'up');
  });
  after(() => {
    spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  });
  for (const name of fixtureCases()) {
    it(name, () => {
      const file = join(FIXTURE_DIR, `${name}.conf`);
      const r = spawnSync(
        'ip',
        ['netns', 'exec', NS, binary ?? 'keepalived', '-t', '-i', FIXTURE_CONFIG_ID, '-f', file],
        {
          encoding: 'utf8',
          timeout: 30000,
          cwd: '/',
        },
      );
      const tandem = loadFixture(name);
      assert.equal(
        tandem.exitClass,
        r.status,
        `keepalived -t exit ${String(r.status)}, tandem ${tandem.exitClass}\nkeepalived said:\n${r.stderr}`,
      );
    });
  }
});
