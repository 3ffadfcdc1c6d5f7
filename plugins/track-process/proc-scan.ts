import { readFile, readdir } from 'node:fs/promises';
import type { ProcEntry } from './process-match.js';

/** What a scan must read for each process. */
export interface ScanNeeds {
  /** Read /proc/PID/stat for `comm` and the zombie state. */
  readonly comm: boolean;
  /** Read /proc/PID/cmdline. */
  readonly cmdline: boolean;
}

/** Processes read in parallel per batch: bounded so a scan never holds hundreds of descriptors. */
const BATCH = 64;

/** Parses /proc/PID/stat: `pid (comm) S ...`; comm may itself contain spaces and parentheses. */
function parseStat(text: string): { comm: string; zombie: boolean } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  return { comm: text.slice(open + 1, close), zombie: text.charAt(close + 2) === 'Z' };
}

async function readEntry(root: string, pid: number, needs: ScanNeeds): Promise<ProcEntry | undefined> {
  // A process may exit between readdir and read: such a process is simply not counted.
  let comm: string | undefined;
  let zombie: boolean | undefined;
  let cmdline: Buffer | undefined;
  if (needs.comm) {
    const stat = await readFile(`${root}/${pid}/stat`, 'latin1').catch(() => undefined);
    const parsed = stat === undefined ? undefined : parseStat(stat);
    if (parsed === undefined) return undefined;
    comm = parsed.comm;
    zombie = parsed.zombie;
  }
  if (needs.cmdline) {
    cmdline = await readFile(`${root}/${pid}/cmdline`).catch(() => undefined);
    if (cmdline === undefined) return undefined;
  }
  return {
    pid,
    ...(comm === undefined ? {} : { comm }),
    ...(zombie === undefined ? {} : { zombie }),
    ...(cmdline === undefined ? {} : { cmdline }),
  };
}

/**
 * Lists the processes in `root` (default /proc) with the fields `needs` asks for, without blocking
 * the event loop (async reads, bounded parallelism). keepalived reads the same files in `read_procs`.
 */
export async function scanProcesses(needs: ScanNeeds, root = '/proc'): Promise<ProcEntry[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const pids = names.filter((n) => /^[1-9][0-9]*$/.test(n)).map(Number);
  const out: ProcEntry[] = [];
  for (let i = 0; i < pids.length; i += BATCH) {
    const batch = await Promise.all(pids.slice(i, i + BATCH).map((pid) => readEntry(root, pid, needs)));
    for (const e of batch) if (e !== undefined) out.push(e);
  }
  return out;
}
