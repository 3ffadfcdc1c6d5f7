/**
 * nginx prints socket errors as `(errno: strerror)`, e.g. `(111: Connection refused)`; operators'
 * alerts match those texts, so Node's error codes are rendered the same way (Linux numbering).
 */
const TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: '111: Connection refused',
  ECONNRESET: '104: Connection reset by peer',
  ETIMEDOUT: '110: Connection timed out',
  EHOSTUNREACH: '113: No route to host',
  ENETUNREACH: '101: Network is unreachable',
  EPIPE: '32: Broken pipe',
  EADDRNOTAVAIL: '99: Cannot assign requested address',
  EADDRINUSE: '98: Address already in use',
  EACCES: '13: Permission denied',
  EMFILE: '24: Too many open files',
  ENFILE: '23: Too many open files in system',
  ENOBUFS: '105: No buffer space available',
  ENOMEM: '12: Cannot allocate memory',
};

/** The `(errno: text)` form of a Node socket error. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && TEXT[code] !== undefined) return `(${TEXT[code]})`;
  return `(${code ?? (err instanceof Error ? err.message : String(err))})`;
}

/** Splits `host:port` / `[v6]:port` as peers are written in nginx.conf. */
export function splitAddress(address: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(address);
  if (v6 !== null) return { host: v6[1] ?? '', port: Number(v6[2]) };
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
