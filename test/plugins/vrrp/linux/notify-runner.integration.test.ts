import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createMemoryLogger } from '../../../../src/index.js';
import { splitCommandLine } from '../../../../plugins/vrrp/linux/command-line.js';
import { NotifyFifo } from '../../../../plugins/vrrp/linux/notify-fifo.js';
import { NotifyRunner, type NotifyScripts } from '../../../../plugins/vrrp/linux/notify-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-notify-'));
const out = join(dir, 'out.txt');
const script = (name: string, body: string): string => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};
const rec = script('rec.sh', `echo "$(basename "$0") $*" >> '${out}'`);
const hang = script('hang.sh', `sleep 1000 &\necho $! > '${join(dir, 'child.pid')}'\nwait`);
const reader = script(
  'reader.sh',
  `while read -r line; do echo "$line" >> '${join(dir, 'fifo.txt')}'; done < "$1"`,
);

const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '');
  } catch {
    return [];
  }
};
const waitLines = async (file: string, n: number): Promise<string[]> => {
  for (let i = 0; i < 200 && lines(file).length < n; i++) await new Promise((r) => setTimeout(r, 10));
  return lines(file);
};
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('notify runner (keepalived.md §4)', () => {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('splits script lines with keepalived quoting', () => {
    assert.deepEqual(splitCommandLine(`/bin/x.sh MASTER "two words" 'a b' c\\ d`), [
      '/bin/x.sh',
      'MASTER',
      'two words',
      'a b',
      'c d',
    ]);
  });

  test('state scripts get only their configured args; generic notify gets scope, name, state, priority', async () => {
    rmSync(out, { force: true });
    const scripts: Record<string, NotifyScripts> = {
      'INSTANCE VI_1': { master: `${rec} master-arg`, backup: rec, stop: rec, generic: rec },
      'GROUP G1': { master: rec, generic: `${rec} grp` },
    };
    const { logger } = createMemoryLogger();
    const n = new NotifyRunner({ log: logger, scripts: (scope, name) => scripts[`${scope} ${name}`] });
    await Promise.all(n.notify('INSTANCE', 'VI_1', 'MASTER', 150));
    await Promise.all(n.notify('GROUP', 'G1', 'MASTER', 150));
    await Promise.all(n.notify('INSTANCE', 'VI_1', 'STOP', 150));
    await Promise.all(n.notify('INSTANCE', 'VI_1', 'FAULT', 150)); // no notify_fault: generic only
    assert.deepEqual((await waitLines(out, 7)).sort(), [
      'rec.sh',
      'rec.sh',
      'rec.sh INSTANCE VI_1 FAULT 150',
      'rec.sh INSTANCE VI_1 MASTER 150',
      'rec.sh INSTANCE VI_1 STOP 150',
      'rec.sh grp GROUP G1 MASTER 0',
      'rec.sh master-arg',
    ]);
  });

  test('FIFO lines reach the notify_fifo_script, which gets the FIFO path', async () => {
    const { logger } = createMemoryLogger();
    const n0 = new NotifyRunner({ log: logger, scripts: () => undefined });
    const fifo = NotifyFifo.open(join(dir, 'notify.fifo'), logger, { line: reader, runner: n0.scripts });
    assert.ok(statSync(fifo.path).isFIFO());
    assert.equal(statSync(fifo.path).mode & 0o777, 0o644);
    const n = new NotifyRunner({ log: logger, scripts: () => undefined, fifos: [fifo] });
    n.notify('INSTANCE', 'VI_1', 'BACKUP', 100);
    n.notify('INSTANCE', 'VI_1', 'MASTER', 100);
    n.notify('GROUP', 'G1', 'FAULT', 100);
    n.notify('INSTANCE', 'VI_1', 'MASTER_RX_LOWER_PRI', 100);
    assert.deepEqual(await waitLines(join(dir, 'fifo.txt'), 4), [
      'INSTANCE "VI_1" BACKUP 100',
      'INSTANCE "VI_1" MASTER 100',
      'GROUP "G1" FAULT 0',
      'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100',
    ]);
    await n0.close();
    await n.close();
  });

  test('a hung script never blocks: notify returns at once, the script and its children are killed and logged', async () => {
    const { logger, records } = createMemoryLogger();
    const n = new NotifyRunner({ log: logger, scripts: () => ({ master: hang }), timeoutMs: 300 });
    const t0 = performance.now();
    const [run] = n.notify('INSTANCE', 'VI_1', 'MASTER', 100);
    const returnedMs = performance.now() - t0;
    assert.ok(returnedMs < 50, `notify returned after ${returnedMs} ms`);
    await waitLines(join(dir, 'child.pid'), 1);
    const childPid = Number(lines(join(dir, 'child.pid'))[0]);
    assert.ok(alive(childPid));
    const exit = await run!;
    assert.equal(exit.timedOut, true);
    assert.ok(performance.now() - t0 < 2000);
    assert.ok(
      records.some(
        (r) => r.level === 'warn' && r.msg === `Script ${hang} timed out after 300 ms - killing it`,
      ),
    );
    for (let i = 0; i < 100 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(!alive(childPid), 'the script child (sleep) was killed with its process group');
    assert.deepEqual(n.scripts.running, []);
  });

  test('close lets a STOP script finish within 1 s and kills one that hangs', async () => {
    const slowOut = join(dir, 'slow.txt');
    const slow = script('slow.sh', `sleep 0.3\necho stopped >> '${slowOut}'`);
    const { logger } = createMemoryLogger();
    const n = new NotifyRunner({ log: logger, scripts: () => ({ stop: slow }) });
    void n.notify('INSTANCE', 'VI_1', 'STOP', 100);
    await n.close();
    assert.deepEqual(lines(slowOut), ['stopped']);
    const h = new NotifyRunner({ log: logger, scripts: () => ({ stop: hang }), stopTimeoutMs: 200 });
    const [run] = h.notify('INSTANCE', 'VI_1', 'STOP', 100);
    const t0 = performance.now();
    await h.close();
    assert.ok(performance.now() - t0 < 1000, 'close waited only the grace');
    const exit = await run!;
    assert.notEqual(exit.signal, null, 'the hung STOP script was killed');
  });

  test('a missing script is logged, not thrown', async () => {
    const { logger, records } = createMemoryLogger();
    const n = new NotifyRunner({ log: logger, scripts: () => ({ backup: join(dir, 'nope.sh') }) });
    await Promise.all(n.notify('INSTANCE', 'VI_1', 'BACKUP', 100));
    assert.ok(
      records.some(
        (r) => r.level === 'error' && r.msg.startsWith(`Cannot run script ${join(dir, 'nope.sh')}`),
      ),
    );
  });
});
