/**
 * Prints what a process with the current capabilities gets from Tandem's checks:
 * `{"check": <error or null>, "socket": <error or null>}` (run under `setpriv --bounding-set -net_raw`).
 */
import { checkCapabilities } from '../../../src/net/capabilities.js';
import { VrrpSocket } from '../../../src/net/vrrp-socket.js';

const errorOf = (err: unknown): { code: string | null; message: string } => {
  const e = err as { code?: string; message: string };
  return { code: e.code ?? null, message: e.message };
};
let check: object | null = null;
let socket: object | null = null;
try {
  checkCapabilities();
} catch (err) {
  check = errorOf(err);
}
try {
  const s = await VrrpSocket.open({ family: 'ipv4', interface: process.argv[2] ?? 'eth0' }, () => undefined);
  s.close();
} catch (err) {
  socket = errorOf(err);
}
process.stdout.write(`${JSON.stringify({ check, socket })}\n`);
