import { renameSync, writeFileSync } from 'node:fs';
import { messageOf } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { StatusSource } from '../status-source.js';
import { formatKeepalivedData } from './keepalived-data.js';
import { formatKeepalivedJson } from './keepalived-json.js';
import { formatKeepalivedStats } from './keepalived-stats.js';

/** Where the keepalived-compatible dumps go (keepalived 2.2's fixed names under /tmp by default). */
export interface DumpPaths {
  readonly data: string;
  readonly stats: string;
  readonly json: string;
}

/** keepalived 2.2.7's file names (`/tmp`; keepalived HEAD moves them to `$TMPDIR`). */
export const defaultDumpPaths: DumpPaths = {
  data: '/tmp/keepalived.data',
  stats: '/tmp/keepalived.stats',
  json: '/tmp/keepalived.json',
};

/** Which dump to write. */
export type DumpKind = 'data' | 'stats' | 'json';

/** The process signals the dumps hook; an injectable seam so tests need not signal themselves. */
export interface SignalTarget {
  on(signal: 'SIGUSR1' | 'SIGUSR2', listener: () => void): unknown;
  off(signal: 'SIGUSR1' | 'SIGUSR2', listener: () => void): unknown;
}

// Written beside the target and renamed over it, so an exporter polling the file never reads half a
// dump; mode 0600 as keepalived's umask 0177 gives.
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Writes one dump now from the source's current snapshot. Returns false (after logging) when the
 * file cannot be written; a dump never takes the daemon down.
 */
export function writeDump(kind: DumpKind, source: StatusSource, paths: DumpPaths, log: Logger): boolean {
  try {
    const vrrp = source.vrrp();
    if (kind === 'data') writeAtomically(paths.data, formatKeepalivedData(vrrp, source.syncGroups()));
    else if (kind === 'stats') writeAtomically(paths.stats, formatKeepalivedStats(vrrp));
    else writeAtomically(paths.json, formatKeepalivedJson(vrrp));
    return true;
  } catch (err) {
    log.error(`cannot write ${kind} dump to ${paths[kind]}: ${messageOf(err)}`);
    return false;
  }
}

/**
 * Hooks keepalived's dump signals: SIGUSR1 writes the data dump and the JSON dump, SIGUSR2 the stats
 * (reference/keepalived.md §6). keepalived writes JSON on SIGRTMIN+2 (`--signum=JSON`), but Node
 * cannot catch real-time signals, so the JSON dump rides on SIGUSR1 and is also served at
 * `/status`. Returns a function that removes the handlers.
 */
export function installDumpSignals(
  source: StatusSource,
  paths: Partial<DumpPaths>,
  log: Logger,
  target: SignalTarget = process,
): () => void {
  const p: DumpPaths = { ...defaultDumpPaths, ...paths };
  // keepalived's own log lines for these signals (vrrp_daemon.c).
  const onData = () => {
    log.info(`Printing VRRP data for process(${process.pid}) on signal`);
    writeDump('data', source, p, log);
    writeDump('json', source, p, log);
  };
  const onStats = () => {
    log.info(`Printing VRRP stats for process(${process.pid}) on signal`);
    writeDump('stats', source, p, log);
  };
  target.on('SIGUSR1', onData);
  target.on('SIGUSR2', onStats);
  return () => {
    target.off('SIGUSR1', onData);
    target.off('SIGUSR2', onStats);
  };
}
