import type { DemoTopology } from './topology.js';
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

/** What the banner needs to know about one node: where it runs and whether its admin server is up. */
export interface NodeBanner {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  readonly priority: number;
  /** The admin URL the daemon logged (`admin server listening on …`), if it did. */
  readonly admin: string | undefined;
}

/** The lines describing the lab: who is where, the configs, and how to reach each dashboard. */
export function formatLab(
  topo: DemoTopology,
  nodes: readonly NodeBanner[],
  tmp: string,
  rate: number,
  timeoutMs: number,
): string[] {
  const lines = [`  bridge  ${topo.bridge.device} in namespace ${topo.bridge.namespace}`];
  for (const n of nodes)
    lines.push(`  ${n.name}     ${n.address.padEnd(18)} Tandem, priority ${n.priority}, namespace ${n.ns}`);
  for (const b of topo.backends)
    lines.push(
      `  ${b.name}    ${`${b.address}:${b.port}`.padEnd(18)} demo backend (answers with its name), namespace ${b.ns}`,
    );
  lines.push(
    `  client  ${topo.client.address.padEnd(18)} ${rate} requests/s to http://${topo.vip}/ (the VIP), namespace ${topo.client.ns}`,
    `          each on a new connection; a request fails on an error or after ${timeoutMs} ms without an answer`,
    `  configs ${tmp}/keepalived-lb{1,2}.conf, examples/http-pair/nginx.conf (weights 2:1)`,
    '  dashboards: each admin server listens on loopback inside its node namespace; from this host:',
  );
  for (const n of nodes)
    lines.push(
      n.admin === undefined
        ? `    ${n.name}: admin server not listening (see its log)`
        : `    ${n.name}: sudo ip netns exec ${n.ns} curl -s ${n.admin}status   (HTML dashboard at ${n.admin})`,
    );
  return lines;
}
