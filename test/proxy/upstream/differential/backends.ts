import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { closedPort } from '../../../helpers/ports.js';
import type { BackendSpec } from './scenario.js';

/** The running backends of a case: ports by id, request counts, held requests. */
export class Backends {
  readonly ports = new Map<string, number>();
  readonly counts = new Map<string, number>();
  readonly #servers: Server[] = [];
  readonly #held: ServerResponse[] = [];
  readonly #stalled = new Set<Socket>();
  #heldSeen = 0;
  #waiters: (() => void)[] = [];

  /** Starts a server per live backend on 127.0.0.1 and reserves a closed port per dead one. */
  static async start(specs: readonly BackendSpec[]): Promise<Backends> {
    const b = new Backends();
    for (const s of specs) {
      if (s.dead === true) b.ports.set(s.id, await closedPort());
      else await b.#listen(s);
    }
    return b;
  }

  /** How many requests were ever held (a hold step waits for this to grow). */
  get heldSeen(): number {
    return this.#heldSeen;
  }

  /** Resolves when a new request is held. */
  nextHeld(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Answers every held request with 200. */
  release(): void {
    for (const res of this.#held.splice(0)) res.end(res.getHeader('x-backend') as string);
  }

  /** The backend id listening on `port`. */
  idOfPort(port: number): string | undefined {
    for (const [id, p] of this.ports) if (p === port) return id;
    return undefined;
  }

  async stop(): Promise<void> {
    this.release();
    for (const s of this.#stalled) s.destroy();
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => {
              resolve();
            });
          }),
      ),
    );
  }

  async #listen(spec: BackendSpec): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const n = (this.counts.get(spec.id) ?? 0) + 1;
      this.counts.set(spec.id, n);
      const action = spec.behaviour?.(req.url ?? '/', n) ?? 'ok';
      req.resume();
      res.setHeader('x-backend', spec.id);
      if (action === 'close') {
        req.socket.destroy();
      } else if (action === 'timeout') {
        this.#stalled.add(req.socket);
      } else if (action === 'hang') {
        this.#held.push(res);
        this.#heldSeen++;
        for (const w of this.#waiters.splice(0)) w();
      } else {
        res.statusCode = action === 'ok' ? 200 : action;
        res.end(spec.id);
      }
    });
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.ports.set(spec.id, typeof a === 'object' && a !== null ? a.port : 0);
  }
}
