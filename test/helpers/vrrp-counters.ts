import { readFileSync, rmSync, statSync } from 'node:fs';
import type { VrrpNode } from './vrrp-node.js';
import { sleep } from './vrrp-rig.js';

/** The admin address Tandem nodes get when a scenario reads their counters (inside their own namespace). */
export const TANDEM_ADMIN = '127.0.0.1:9180';

/**
 * keepalived's counters for one instance: SIGUSR2 makes the VRRP child write `/tmp/keepalived.stats`
 * (reference/keepalived.md §6), parsed into `section/name` keys such as `Authentication Errors/Failure`.
 * The file name is fixed by keepalived 2.2.7, so the file is removed first and waited for.
 */
export async function keepalivedStats(node: VrrpNode, instance = 'VI_1'): Promise<Map<string, number>> {
  const file = '/tmp/keepalived.stats';
  rmSync(file, { force: true });
  node.process.kill('SIGUSR2');
  const deadline = Date.now() + 3000;
  let text: string;
  for (;;) {
    try {
      if (statSync(file).size > 0) {
        await sleep(50); // let keepalived finish writing
        text = readFileSync(file, 'utf8');
        break;
      }
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`${node.label}: no ${file} after SIGUSR2`);
    await sleep(20);
  }
  const out = new Map<string, number>();
  const start = text.indexOf(`VRRP Instance: ${instance}`);
  let section = '';
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (line.startsWith('VRRP Instance:')) break;
    const m = /^(\s*)([^:]+):\s*(\d+)?\s*$/.exec(line);
    if (m === null) continue;
    if (m[3] === undefined) section = m[2]!.trim();
    else out.set(m[1]!.length <= 2 ? m[2]!.trim() : `${section}/${m[2]!.trim()}`, Number(m[3]));
  }
  return out;
}

/**
 * One sample of a Tandem node's Prometheus exposition (its admin server, started with
 * `--admin 127.0.0.1:9180`, read from inside its namespace): the sum over series named `name`.
 */
export async function tandemMetric(node: VrrpNode, name: string): Promise<number | undefined> {
  // Node's own fetch, run inside the namespace (no curl needed on CI machines).
  const script = `fetch('http://${TANDEM_ADMIN}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`;
  const r = await node.lab.exec(node.ns, process.execPath, ['-e', script], 5000);
  if (r.code !== 0) throw new Error(`${node.label}: /metrics failed: ${r.stderr}`);
  let sum: number | undefined;
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
