import assert from 'node:assert/strict';
import { nginxAvailable } from '../../../helpers/nginx.js';
import { runReal, type RealRun } from './real.js';
import type { Outcome, Scenario } from './scenario.js';
import { simulate, type SimRun } from './sim.js';

/**
 * `skip` option for differential suites: nginx missing skips loudly locally and fails under CI=true
 * (design.md §5).
 */
export function skipWithoutNginx(): string | false {
  if (nginxAvailable()) return false;
  if (process.env.CI === 'true') throw new Error('nginx is required under CI=true');
  process.stderr.write('SKIPPING nginx differential tests: nginx is not installed\n');
  return 'nginx not installed';
}

/** Runs a case on the real nginx, then through the pure balancer, and asserts both saw the same. */
export async function differential(sc: Scenario): Promise<{ real: RealRun; sim: SimRun }> {
  const real = await runReal(sc);
  const sim = simulate(sc, real.ports, real.times);
  assert.deepEqual(sim.outcomes, real.outcomes, `${sc.name}: outcomes differ from nginx`);
  assert.deepEqual(sim.log, real.log, `${sc.name}: error log differs from nginx`);
  return { real, sim };
}

/** The answering backends as one string (`-` for responses nginx generated). */
export function seq(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => o.backend).join('');
}

/** How many requests each backend answered. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o.backend] = (t[o.backend] ?? 0) + 1;
  return t;
}

/** `n` GET steps for `path`. */
export function gets(n: number, path = '/'): { path: string }[] {
  return Array.from({ length: n }, () => ({ path }));
}
