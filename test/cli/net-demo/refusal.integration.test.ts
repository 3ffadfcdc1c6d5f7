import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../helpers/paths.js';
import { findTool, requirePrereq } from '../../helpers/require-root.js';

const demoMain = join(repoRoot, 'dist', 'src', 'cli', 'net-demo', 'main.js');

/** Runs the demo entry point as a non-root user (as root: through `setpriv` as nobody). */
function runUnprivileged(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  const [cmd, args] = asRoot
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, demoMain]]
    : [process.execPath, [demoMain]];
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo without root', () => {
  it('refuses in one line naming what it needs, exits non-zero, no stack trace, nothing built', async (t) => {
    if (
      process.getuid?.() === 0 &&
      !requirePrereq(t, findTool('setpriv') !== undefined, 'setpriv (util-linux)')
    )
      return;
    const r = await runUnprivileged();
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'no banner, no namespaces announced');
    assert.equal(
      r.stderr,
      'npm run demo needs root: it creates network namespaces and sends VRRP on raw sockets (try: sudo npm run demo)\n',
    );
  });
});
