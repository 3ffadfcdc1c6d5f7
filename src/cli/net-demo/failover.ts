import type { Timeline } from './timeline.js';

/** The measured effect of losing the master at `at`, as the client and the wire saw it. */
export interface FailoverFigures {
  /** The old master's last advert before `at` (epoch ms). */
  readonly lastAdvert: number;
  /** The new master's first advert after `at`: the takeover on the wire. */
  readonly takeover: number;
  /** The first answer to a request started after `at`: service restored through the new master. */
  readonly firstAnswer: number;
  /** The last answer that ended before `at`, through the old master. */
  readonly lastAnswer: number;
  /** firstAnswer − lastAdvert: what the demo prints as the failover time. */
  readonly failoverMs: number;
  /** takeover − lastAdvert: what VRRP alone took (Master_Down_Interval for a crash). */
  readonly takeoverMs: number;
  /** firstAnswer − lastAnswer: the gap the client saw between two answers. */
  readonly gapMs: number;
  /** Requests that failed from `at` on and had started before the first answer: what the crash cost. */
  readonly failed: number;
}

/**
 * Measures a failover from the timeline: `oldMaster` stopped (crash or graceful stop) at `at`,
 * `newMaster` took over. Undefined until the new master has advertised and answered, or when the
 * old one never advertised before `at`. Times come from tcpdump and the client, both on the
 * host's clock, so they compare directly.
 */
export function measureFailover(
  t: Timeline,
  at: number,
  oldMaster: string,
  newMaster: string,
): FailoverFigures | undefined {
  let lastAdvert: number | undefined;
  let takeover: number | undefined;
  for (const a of t.adverts) {
    if (a.src === oldMaster && a.time <= at && a.priority > 0) lastAdvert = a.time;
    if (a.src === newMaster && a.time > at && takeover === undefined) takeover = a.time;
  }
  let lastAnswer: number | undefined;
  let firstAnswer: number | undefined;
  for (const r of t.requests) {
    if (!r.ok) continue;
    if (r.end <= at && (lastAnswer === undefined || r.end > lastAnswer)) lastAnswer = r.end;
    if (r.start > at && (firstAnswer === undefined || r.end < firstAnswer)) firstAnswer = r.end;
  }
  if (lastAdvert === undefined || takeover === undefined) return undefined;
  if (lastAnswer === undefined || firstAnswer === undefined) return undefined;
  // In flight at the kill (reset by the dying kernel sockets) or sent into the gap (refused or lost).
  const failed = t.requests.filter((r) => !r.ok && r.end >= at && r.start < firstAnswer).length;
  return {
    lastAdvert,
    takeover,
    firstAnswer,
    lastAnswer,
    failoverMs: firstAnswer - lastAdvert,
    takeoverMs: takeover - lastAdvert,
    gapMs: firstAnswer - lastAnswer,
    failed,
  };
}

/** What a graceful stop looked like on the wire and to the client. */
export interface HandoverFigures {
  /** From the old master's priority-0 advert to the new master's first advert (Skew_Time expected). */
  readonly handoverMs: number;
  /** Requests that ended after the stop began and failed. */
  readonly failed: number;
  /** The longest any request that ended after the stop began took. */
  readonly slowestMs: number;
}

/**
 * Measures a graceful stop begun at `at`: the old master resigns with a priority-0 advert (RFC 5798
 * §6.4.3) and the new one takes over after Skew_Time. Undefined until both adverts were seen.
 */
export function measureHandover(
  t: Timeline,
  at: number,
  oldMaster: string,
  newMaster: string,
): HandoverFigures | undefined {
  const zero = t.adverts.find((a) => a.src === oldMaster && a.time >= at && a.priority === 0);
  if (zero === undefined) return undefined;
  const first = t.adverts.find((a) => a.src === newMaster && a.time > zero.time);
  if (first === undefined) return undefined;
  const w = t.window(at, Infinity);
  return { handoverMs: first.time - zero.time, failed: w.failed, slowestMs: w.slowestMs };
}
