/**
 * A test file run as a child by netns-harness.test.ts to prove the harness cleans up: it builds a lab
 * with a namespace and a long-running process inside it, writes their names and pid to
 * `$TANDEM_LAB_REPORT`, then either throws (`$TANDEM_LAB_MODE=throw`) or waits to be killed (`hang`).
 */
import { after, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { NetLab } from '../helpers/netns.js';

const report = process.env.TANDEM_LAB_REPORT ?? '';
const mode = process.env.TANDEM_LAB_MODE ?? 'throw';

test('builds a lab and then fails midway', async () => {
  const lab = NetLab.create('hchild', after);
  const ns = await lab.addNamespace('a');
  await lab.addNamespace('b');
  const sleeper = lab.spawn(ns, 'sleep', ['1000']);
  writeFileSync(report, JSON.stringify({ namespaces: lab.namespaces, pids: [...lab.pids, sleeper.pid] }));
  if (mode === 'hang') await new Promise(() => setInterval(() => undefined, 1000));
  throw new Error('deliberate failure midway through a network test');
});
