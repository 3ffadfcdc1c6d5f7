#!/usr/bin/env node
/**
 * `npm run demo` (as root): the failover demo in network namespaces; `npm run demo -- --hold` keeps
 * the lab up after the summary until Ctrl-C. Refuses in one line when a prerequisite is missing; removes every namespace, process and temp file it created on success,
 * on error and on Ctrl-C.
 */
import { NetLab } from '../../net/netns-lab.js';
import { demoPrerequisiteProblem } from './prerequisites.js';
import { tandemCli } from './processes.js';
import { runNetDemo } from './run.js';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Runs the demo and returns the exit status: 0 when the failover was measured, 1 otherwise. */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.find((a) => a !== '--hold');
  if (unknown !== undefined) {
    process.stderr.write(`unknown option '${unknown}'; usage: npm run demo [-- --hold]\n`);
    return 2;
  }
  const problem = demoPrerequisiteProblem(tandemCli);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  // Installed before the lab's own handlers, so this line comes first; the lab then removes its
  // namespaces and processes synchronously and re-raises the signal (exit status 130 for Ctrl-C).
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(sig, () => {
      say(
        `\n${sig === 'SIGINT' ? 'Interrupted' : sig}: removing the demo namespaces, processes and temp files`,
      );
    });
  const lab = NetLab.create('tdemo');
  let code = 1;
  try {
    const result = await runNetDemo(lab, { rate: 100, hold: args.includes('--hold'), say });
    code = result.crash === undefined ? 1 : 0;
  } catch (err) {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    const namespaces = lab.namespaces.length;
    const pids = [...lab.pids];
    const tmp = lab.tmp;
    await lab.destroy();
    say(`Cleaned up: ${namespaces} namespaces, ${pids.length} processes (pids ${pids.join(' ')}), ${tmp}`);
  }
  return code;
}

process.exitCode = await main();
