/**
 * Size of a backend socket's read buffer: Node's own read size, so a loopback read fills it in one
 * system call as `'data'` reads do.
 */
export const STREAM_READ_BUFFER = 16 * 1024;

/**
 * Free read buffers kept for the next sessions: at most 8 MiB. Without them every connection
 * would allocate its buffer as external memory, and V8 collects garbage by external growth too,
 * which cut connections per second by a quarter in the connection-per-request benchmark.
 */
const POOL_MAX = 512;
const pool: Buffer[] = [];

/** A read buffer from the pool, or a new one. */
export function takeReadBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(STREAM_READ_BUFFER);
}

/**
 * Gives back a buffer nothing references any more: no pending write holds a view of it and no
 * socket will read into it (its socket is closed).
 */
export function giveReadBuffer(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}
