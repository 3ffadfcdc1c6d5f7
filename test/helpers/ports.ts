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

/**
 * A loopback port for a peer that must refuse connections (a "dead" backend). It is drawn below
 * the kernel's ephemeral range (ip_local_port_range starts at 32768), so no server listening on
 * port 0 and no client socket of this or a parallel test can come to own it later in the case,
 * which a released ephemeral port could (seen: a live backend got the dead one's port).
 */
export async function closedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free loopback port in 20000-31999 after 50 attempts');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      resolve(false);
    });
    s.listen(port, '127.0.0.1', () => {
      s.close(() => {
        resolve(true);
      });
    });
  });
}
