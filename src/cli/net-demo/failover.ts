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
  /** Requests started from the last answer on that failed. */
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
  const from = lastAnswer;
  const failed = t.requests.filter((r) => !r.ok && r.start >= from && r.start < firstAnswer).length;
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
