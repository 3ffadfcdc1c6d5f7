import assert from 'node:assert/strict';
import { nginxAvailable, nginxStreamAvailable } from '../../../helpers/nginx.js';
import { runReal, type RealRun } from './real.js';
import { runRealStream } from './real-stream.js';
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

/** `skip` option for stream differential suites (needs Debian's libnginx-mod-stream). */
export function skipWithoutNginxStream(): string | false {
  if (nginxStreamAvailable()) return false;
  if (process.env.CI === 'true') throw new Error('nginx with libnginx-mod-stream is required under CI=true');
  process.stderr.write(
    'SKIPPING nginx stream differential tests: nginx or libnginx-mod-stream is not installed\n',
  );
  return 'nginx stream module not installed';
}

/** {@link differential} for the stream (TCP) proxy: connections instead of requests. */
export async function streamDifferential(sc: Scenario): Promise<{ real: RealRun; sim: SimRun }> {
  const real = await runRealStream(sc);
  const sim = simulate(sc, real.ports, real.times, 7, true);
  assert.deepEqual(sim.outcomes, real.outcomes, `${sc.name}: stream outcomes differ from nginx`);
  assert.deepEqual(sim.log, real.log, `${sc.name}: stream error log differs from nginx`);
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
