import type { TestContext } from 'node:test';
import { findTool } from '../../src/net/find-tool.js';

// findTool moved to src/net/find-tool.ts (`npm run demo` checks its prerequisites with it).
export { findTool };

/** Whether we run under CI, where a missing prerequisite is a failure instead of a skip (design.md §5). */
export const underCi = process.env.CI === 'true';

/**
 * Why the network layer cannot run here (not root, a tool missing), or undefined when it can.
 * `tools` are executables the calling test file needs besides `ip`.
 */
export function netPrerequisiteProblem(tools: readonly string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'network tests need root (network namespaces, raw sockets)';
  const missing = ['ip', ...tools].filter((t) => findTool(t) === undefined);
  if (missing.length > 0)
    return `network tests need ${missing.join(', ')} (apt-get install the Debian packages)`;
  return undefined;
}

/**
 * The `skip` option for a network `describe`/`test`: locally a loud skip with the reason when a
 * prerequisite is missing; under CI=true it throws, so the file fails instead of passing vacuously.
 */
export function requireRoot(tools: readonly string[] = []): false | string {
  const problem = netPrerequisiteProblem(tools);
  if (problem === undefined) return false;
  if (underCi) throw new Error(`CI=true and ${problem}`);
  process.stderr.write(`\n*** SKIPPING network tests: ${problem} ***\n\n`);
  return problem;
}

/** Inside a test: skips it loudly (or fails under CI) when a prerequisite is missing; true when it may run. */
export function requireRootIn(t: TestContext, tools: readonly string[] = []): boolean {
  const skip = requireRoot(tools);
  if (skip === false) return true;
  t.skip(skip);
  return false;
}

/**
 * For a prerequisite other than root (a program, a package): locally the test skips with a loud
 * reason; under CI=true it fails, so CI never passes by skipping (design.md §5). True when it may run.
 */
export function requirePrereq(t: TestContext, ok: boolean, what: string): boolean {
  if (ok) return true;
  if (underCi) throw new Error(`missing prerequisite under CI: ${what}`);
  process.stderr.write(`\n*** SKIPPED: ${t.name}: ${what} ***\n`);
  t.skip(what);
  return false;
}
