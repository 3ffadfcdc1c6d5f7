import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { SystemClock, type Clock } from '../../../src/core/clock.js';
import { EventBus } from '../../../src/core/events.js';
import { createMemoryLogger, type LogRecord } from '../../../src/core/logger.js';
import type { PluginContext } from '../../../src/core/plugin.js';
import { MapTrackerDirectory } from '../../../src/core/tracker-directory.js';

/** A root-owned 0755 scratch directory (safe for script security), removed by `cleanup`. */
export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tandem-${prefix}-`));
  chmodSync(dir, 0o755);
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes an executable shell script and returns its path. */
export function writeScript(dir: string, name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

/** A plugin context over a memory logger, a real directory of trackers and a bus. */
export function testContext(clock: Clock = new SystemClock()): {
  ctx: PluginContext;
  records: LogRecord[];
  lines: () => string[];
  trackers: MapTrackerDirectory;
  bus: EventBus;
} {
  const { logger, records } = createMemoryLogger('debug');
  const trackers = new MapTrackerDirectory();
  const bus = new EventBus(logger);
  const ctx: PluginContext = {
    log: logger,
    bus,
    clock,
    random: Math.random,
    trackers,
    service: () => undefined,
    strategy: () => undefined,
  };
  return { ctx, records, lines: () => records.map((r) => r.msg), trackers, bus };
}

/** Polls `pred` every 10 ms until it holds, failing after `ms` (real scripts take real time). */
export async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether a process is alive: it exists and is not a zombie waiting for its new parent to reap it. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether the tests run as root; when not, says so loudly, and under CI=true fails instead. */
export function rootOrSkip(what: string): boolean {
  if (process.getuid?.() === 0) return true;
  const msg = `SKIPPED ${what}: needs root`;
  if (process.env['CI'] === 'true') throw new Error(`${msg} (CI=true makes this a failure)`);
  console.warn(`\n*** ${msg} ***\n`);
  return false;
}

/** The user the tests run as, as a script user. */
export const currentUser = { user: userInfo().username } as const;
