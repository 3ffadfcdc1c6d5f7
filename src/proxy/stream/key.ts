import type { Socket } from 'node:net';

/** A compiled `hash KEY` expression over one client connection. */
export type StreamKey = (client: Socket) => string;

const VARIABLES: Readonly<Record<string, (c: Socket) => string>> = {
  remote_addr: (c) => stripMapped(c.remoteAddress ?? ''),
  remote_port: (c) => String(c.remotePort ?? ''),
  server_addr: (c) => stripMapped(c.localAddress ?? ''),
  server_port: (c) => String(c.localPort ?? ''),
  protocol: () => 'TCP',
};

/** nginx prints an IPv4 client of a dual-stack socket as plain IPv4. */
function stripMapped(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * Compiles an nginx stream key such as `$remote_addr` or `${remote_addr}:$server_port` into a
 * function. Unknown variables evaluate to the empty string, as nginx's unset variables do.
 */
export function compileStreamKey(expr: string): StreamKey {
  const parts: (string | ((c: Socket) => string))[] = [];
  const re = /\$(?:\{(\w+)\}|(\w+))/g;
  let last = 0;
  for (let m = re.exec(expr); m !== null; m = re.exec(expr)) {
    if (m.index > last) parts.push(expr.slice(last, m.index));
    const name = m[1] ?? m[2] ?? '';
    parts.push(VARIABLES[name] ?? (() => ''));
    last = m.index + m[0].length;
  }
  if (last < expr.length) parts.push(expr.slice(last));
  if (parts.length === 1 && typeof parts[0] === 'function') return parts[0];
  return (c) => parts.map((p) => (typeof p === 'string' ? p : p(c))).join('');
}
