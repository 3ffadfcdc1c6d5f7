import { createServer } from 'node:net';

/**
 * A free loopback TCP port, bound then released: nginx, HAProxy and keepalived configs need a fixed
 * number, so port 0 cannot be used there. The one definition every test helper re-exports.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => {
        resolve(typeof a === 'object' && a !== null ? a.port : 0);
      });
    });
  });
}
