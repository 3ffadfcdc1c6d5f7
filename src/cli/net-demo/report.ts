import type { FailoverFigures } from './failover.js';
import type { WindowSummary } from './timeline.js';

/** The column header matching {@link formatWindow}. */
export const windowHeader = '   time    ok  web1  web2  failed  slowest  master';

/**
 * One live line: seconds since traffic started, answers (in total and per backend), failures, the
 * slowest answer in the window and the node that advertised as master.
 */
export function formatWindow(atS: number, w: WindowSummary, names: ReadonlyMap<string, string>): string {
  const master = w.master === undefined ? 'none' : (names.get(w.master) ?? w.master);
  const col = (v: number | string, width: number) => String(v).padStart(width);
  return (
    `${col(`${atS.toFixed(1)}s`, 7)}${col(w.ok, 6)}${col(w.byBackend.get('web1') ?? 0, 6)}` +
    `${col(w.byBackend.get('web2') ?? 0, 6)}${col(w.failed, 8)}${col(`${Math.round(w.slowestMs)} ms`, 9)}  ${master}`
  );
}

/** The lines that explain one measured failover, against the Master_Down_Interval expected. */
export function formatFailover(
  f: FailoverFigures,
  oldName: string,
  newName: string,
  mdiMs: number,
): string[] {
  return [
    `  ${newName} took over ${Math.round(f.takeoverMs)} ms after ${oldName}'s last advert ` +
      `(Master_Down_Interval ${mdiMs.toFixed(1)} ms)`,
    `  failover time: ${Math.round(f.failoverMs)} ms (${oldName}'s last advert to the first answer through ${newName})`,
    `  the client saw no answer for ${Math.round(f.gapMs)} ms; failed requests: ${f.failed}`,
  ];
}
