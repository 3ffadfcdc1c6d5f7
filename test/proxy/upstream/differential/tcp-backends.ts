import { createServer, type Server, type Socket } from 'node:net';
import { closedPort } from '../../../helpers/ports.js';
import type { BackendSpec } from './scenario.js';

/**
 * TCP backends for the stream differential: each connection gets the backend id and is closed,
 * or is held (`hang`) until released. Only `ok` and `hang` make sense for stream: nginx never
 * retries once connected (reference §1.9).
 */
export class TcpBackends {
  readonly ports = new Map<string, number>();
  readonly counts = new Map<string, number>();
  readonly #servers: Server[] = [];
  readonly #held: { socket: Socket; id: string }[] = [];
  #waiters: (() => void)[] = [];

  static async start(specs: readonly BackendSpec[]): Promise<TcpBackends> {
    const b = new TcpBackends();
    for (const s of specs) {
      if (s.dead === true) b.ports.set(s.id, await closedPort());
      else await b.#listen(s);
    }
    return b;
  }

  /** Resolves when a new connection is held. */
  nextHeld(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Answers and closes every held connection. */
  release(): void {
    for (const h of this.#held.splice(0)) h.socket.end(h.id);
  }

  idOfPort(port: number): string | undefined {
    for (const [id, p] of this.ports) if (p === port) return id;
    return undefined;
  }

  async stop(): Promise<void> {
    this.release();
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => {
              resolve();
            });
          }),
      ),
    );
  }

  async #listen(spec: BackendSpec): Promise<void> {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      const n = (this.counts.get(spec.id) ?? 0) + 1;
      this.counts.set(spec.id, n);
      if (spec.behaviour?.('/', n) === 'hang') {
        this.#held.push({ socket, id: spec.id });
        for (const w of this.#waiters.splice(0)) w();
      } else {
        socket.end(spec.id);
      }
    });
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.ports.set(spec.id, typeof a === 'object' && a !== null ? a.port : 0);
  }
}
