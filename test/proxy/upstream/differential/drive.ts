import type { Scenario, Step } from './scenario.js';

/** How a driver talks to one engine: start a request, wait for held ones, release them. */
export interface DriveIo<R> {
  /** Starts request `id`; resolves once it is under way, with its completion. */
  start(step: Extract<Step, { path: string }>, id: number): Promise<{ done: Promise<R> }>;
  /** Resolves when a backend holds a new request. */
  nextHeld(): Promise<void>;
  /** Answers every held request. */
  release(): void;
}

/** Waits until the wall clock is at least 150 ms away from a second boundary (nginx's cached seconds). */
async function alignToSecond(): Promise<void> {
  const ms = Date.now() % 1000;
  if (ms > 150 && ms < 850) return;
  await new Promise((r) => setTimeout(r, ms >= 850 ? 1150 - ms : 150 - ms + 1));
}

/**
 * Plays a case's steps: requests one after the other (a `hold` step only until a backend holds it
 * or it completes), releases, pauses. Returns every request's result and its wall-clock send time.
 */
export async function drive<R>(sc: Scenario, io: DriveIo<R>): Promise<{ results: R[]; times: number[] }> {
  const all: Promise<R>[] = [];
  const times: number[] = [];
  let pending: Promise<R>[] = [];
  for (const step of sc.steps) {
    if ('pause' in step) {
      await new Promise((r) => setTimeout(r, step.pause));
    } else if ('release' in step) {
      io.release();
      await Promise.all(pending);
      pending = [];
    } else {
      if (sc.timed === true) await alignToSecond();
      times.push(Date.now());
      const held = io.nextHeld();
      const { done } = await io.start(step, all.length);
      all.push(done);
      if (step.hold === true) {
        pending.push(done);
        await Promise.race([done, held]);
      } else {
        await done;
      }
    }
  }
  io.release();
  return { results: await Promise.all(all), times };
}
