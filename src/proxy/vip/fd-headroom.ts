import { readdirSync, readFileSync } from 'node:fs';

/** Spare descriptors below which accept() is about to fail: 1% of the limit, at least 8. */
export function fdMargin(limit: number): number {
  return Math.max(8, Math.floor(limit / 100));
}

/**
 * Why the process is out of file descriptors, or undefined while it has room. With none left, every
 * accept() fails with EMFILE, and libuv then accepts and closes each client to drain the queue (its
 * "EMFILE trick"), silently: the listener looks bound but serves nobody. The limit is read from
 * /proc/self/limits each time (prlimit can change it at run time); the count is the entries of
 * /proc/self/fd, one directory read.
 */
export function fdHeadroomProblem(proc = '/proc/self'): string | undefined {
  let limit: number;
  let open: number;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`${proc}/limits`, 'utf8'));
    if (m === null || m[1] === 'unlimited') return undefined;
    limit = Number(m[1]);
    open = readdirSync(`${proc}/fd`).length;
  } catch (err) {
    // Reading /proc needs a descriptor too: failing for want of one is the answer.
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EMFILE' || code === 'ENFILE'
      ? `no file descriptor left: accept() fails (${code === 'EMFILE' ? '24: Too many open files' : '23: Too many open files in system'})`
      : undefined;
  }
  return limit - open < fdMargin(limit)
    ? `file descriptors nearly exhausted (${open} of ${limit} in use): accept() fails (24: Too many open files)`
    : undefined;
}
