import { sendTagged, type TaggedReply } from '../../helpers/tagged-request.js';
import type { E2eBackends } from './backends.js';
import type { E2eCase } from './cases.js';

/** What a client saw for one request, and what the engine's access log says about it. */
export interface Seen extends TaggedReply {
  /** `$upstream_addr` with backend ids for addresses; `$upstream_status`. */
  ua: string;
  us: string;
}

interface Sent {
  readonly caseName: string;
  readonly id: number;
  readonly done: Promise<Seen>;
}

/**
 * Plays every case's steps against one engine on `port`, one request after the other (a `hold` step
 * only until a backend holds it), then fills each request's `ua`/`us` from the access log `log()`
 * returns once the engine stopped. Returns the results per case.
 */
export async function driveAll(
  cases: readonly E2eCase[],
  port: number,
  backends: E2eBackends,
): Promise<{ sent: Sent[]; byCase: Map<string, Promise<Seen>[]> }> {
  const sent: Sent[] = [];
  const byCase = new Map<string, Promise<Seen>[]>();
  for (const c of cases) {
    const mine: Promise<Seen>[] = [];
    byCase.set(c.name, mine);
    let pending: Promise<unknown>[] = [];
    for (const step of c.steps) {
      if ('pause' in step) {
        await new Promise((r) => setTimeout(r, step.pause));
        continue;
      }
      if ('release' in step) {
        backends.release();
        await Promise.allSettled(pending);
        pending = [];
        continue;
      }
      const id = sent.length;
      const held = backends.nextHeld();
      const path = `/${c.name}/${step.q === undefined ? '' : `?${step.q}`}`;
      const done = sendTagged(port, id, path, step.method ?? 'GET', step.from ?? '127.0.0.1').then(
        (r): Seen => ({ ...r, ua: '?', us: '?' }),
      );
      done.catch(() => undefined);
      sent.push({ caseName: c.name, id, done });
      mine.push(done);
      if (step.hold === true) {
        pending.push(done);
        await Promise.race([done.catch(() => undefined), held]);
      } else {
        await done.catch(() => undefined);
      }
    }
    backends.release();
    await Promise.allSettled(pending);
  }
  return { sent, byCase };
}

/** Fills `ua`/`us` of every request from an access log in the differential's format. */
export function joinAccessLog(
  seen: ReadonlyMap<number, Seen>,
  log: string,
  idOfPort: (p: number) => string | undefined,
): void {
  for (const line of log.split('\n')) {
    const m = /^(\d+) \d+ ua="(.*)" us="(.*)"$/.exec(line);
    if (m === null) continue;
    const s = seen.get(Number(m[1]));
    if (s === undefined) continue;
    s.ua = (m[2] ?? '').replace(/127\.0\.0\.1:(\d+)/g, (all, p: string) => idOfPort(Number(p)) ?? all);
    s.us = m[3] ?? '';
  }
}
