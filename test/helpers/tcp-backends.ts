import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP backend that greets every connection with its name, then echoes what it receives. */
export interface NamedBackend {
  readonly name: string;
  readonly port: number;
  readonly server: Server;
  /** Connections it accepted. */
  accepted: number;
  /** Connections open now. */
  readonly open: Set<Socket>;
  close(): Promise<void>;
}

/** Starts a named echo backend on 127.0.0.1 (port 0 unless given). */
export function namedBackend(name: string, port = 0): Promise<NamedBackend> {
  const open = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    b.accepted++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
    s.write(`${name}\n`);
    s.pipe(s);
  });
  const b: NamedBackend = {
    name,
    port: 0,
    server,
    accepted: 0,
    open,
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      (b as { port: number }).port = (server.address() as AddressInfo).port;
      resolve(b);
    });
  });
}

/** A connected client that has read the backend's greeting line. */
export interface GreetedClient {
  readonly socket: Socket;
  readonly greeting: string;
}

/**
 * Connects to a proxy and reads the first line the backend sends, or resolves '' when the proxy
 * closes the connection first (no live upstreams). `localAddress` picks the client's 127.x.y.z.
 */
export function connectGreeted(port: number, localAddress?: string): Promise<GreetedClient> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    let buf = '';
    const done = (greeting: string) => {
      socket.removeAllListeners('data');
      resolve({ socket, greeting });
    };
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.slice(0, nl));
    });
    socket.on('error', () => done(''));
    socket.on('close', () => done(''));
  });
}
