import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetLab } from './netns.js';
import type { NsProcess } from './ns-process.js';

/** A real keepalived running in a namespace, foreground, VRRP only, with private pid files (vrrp.md §3.1). */
export interface KeepalivedRun {
  readonly process: NsProcess;
  readonly conf: string;
  /** Everything keepalived logged so far (console logging, `-l -D`). */
  log(): string;
  /** Waits for a log line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Starts `keepalived -n -l -D -P -f conf -p/-r/-c pidfiles` inside `ns`; the lab stops it by pid. */
export function startKeepalived(lab: NetLab, ns: string, name: string, conf: string): KeepalivedRun {
  const file = join(lab.tmp, `${name}.conf`);
  writeFileSync(file, conf);
  const pid = (s: string): string => join(lab.tmp, `${name}-${s}.pid`);
  const p = lab.spawn(ns, 'keepalived', [
    '-n',
    '-l',
    '-D',
    '-P',
    '-f',
    file,
    '-p',
    pid('main'),
    '-r',
    pid('vrrp'),
    '-c',
    pid('chk'),
  ]);
  return {
    process: p,
    conf: file,
    log: () => p.stdout + p.stderr,
    waitFor: (pattern, timeoutMs = 10_000) => p.waitForOutput(pattern, timeoutMs),
  };
}
