/**
 * The advert pacer process (src/net/advert-pacer.ts) as an operator meets it: keepalived's
 * `vrrp_priority` becomes its nice value, and it is gone once the daemon closes it or dies.
 * Behaviour on the wire is in vrrp-interop/main-loop-pause.net.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createMemoryLogger } from '../../src/core/logger.js';
import { AdvertPacer } from '../../src/net/advert-pacer.js';

/** The nice value of a process (field 19 of /proc/PID/stat). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

describe('the VRRP advert pacer process', () => {
  it('runs at the vrrp_priority nice value and exits on close', async () => {
    const pacer = await AdvertPacer.start({ log: createMemoryLogger().logger, nice: 7 });
    const pid = pacer.pid ?? 0;
    assert.equal(niceOf(pid), 7);
    await pacer.close();
    assert.ok(await gone(pid), 'the pacer outlived close()');
  });

  it('exits when the daemon is killed -9', async () => {
    // A stand-in daemon that starts a pacer, reports its pid and waits to be killed.
    const script = `import { AdvertPacer } from ${JSON.stringify(new URL('../../src/net/advert-pacer.js', import.meta.url).href)};
      import { createMemoryLogger } from ${JSON.stringify(new URL('../../src/core/logger.js', import.meta.url).href)};
      const p = await AdvertPacer.start({ log: createMemoryLogger().logger });
      process.send(p.pid);
      setInterval(() => {}, 1000);`;
    const daemon = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const pid = await new Promise<number>((resolve) => daemon.once('message', (m) => resolve(Number(m))));
    assert.ok(alive(pid));
    daemon.kill('SIGKILL');
    assert.ok(await gone(pid), 'the pacer outlived its daemon');
  });
});
