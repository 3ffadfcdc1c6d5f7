import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ClientConnection, type ConnectionHost } from './client-connection.js';
import type { ClientRequest } from './client-request.js';
import type { ClientResponse } from './client-response.js';

/** Answers one request of a listener. */
export type RequestHandler = (req: ClientRequest, res: ClientResponse) => void;

/** Timeouts of a listener; nginx's defaults unless a test shortens them. */
export interface ListenerTimeouts {
  /** `keepalive_timeout` (nginx default 75 s). */
  readonly keepaliveMs?: number;
  /** `client_header_timeout` (nginx default 60 s): the whole head must arrive in this time. */
  readonly headerMs?: number;
  /** `lingering_timeout` (nginx default 5 s), for discarded bodies and closing connections. */
  readonly lingerMs?: number;
  /** How often deadlines are checked (default 1 s, nginx's timer granularity is finer but 60 s timeouts do not care). */
  readonly sweepMs?: number;
}

/**
 * One listening socket of Tandem's HTTP server: a `net.Server` whose connections are
 * {@link ClientConnection}s, with the bookkeeping a graceful stop and a reload need (idle and
 * all-connection close, the connections' deadlines swept once a second). The request handler can
 * be swapped, so a reload hands the listener and its kept-alive connections to the new
 * configuration without refusing anything.
 */
export class HttpListener implements ConnectionHost {
  readonly server: Server;
  readonly signature: string;
  readonly keepaliveMs: number;
  readonly headerMs: number;
  readonly lingerMs: number;
  /** The current handler; requests arriving while it is unset are closed. */
  handler: RequestHandler | undefined;
  draining = false;
  readonly #connections = new Set<ClientConnection>();
  readonly #sweepMs: number;
  #sweep: NodeJS.Timeout | undefined;

  constructor(signature: string, timeouts: ListenerTimeouts = {}) {
    this.signature = signature;
    this.keepaliveMs = timeouts.keepaliveMs ?? 75_000;
    this.headerMs = timeouts.headerMs ?? 60_000;
    this.lingerMs = timeouts.lingerMs ?? 5000;
    this.#sweepMs = timeouts.sweepMs ?? 1000;
    // allowHalfOpen: a client that half-closes after its request still gets the response.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, this.#accept);
  }

  /** True while the socket listens. */
  get listening(): boolean {
    return this.server.listening;
  }

  /** The bound address. */
  address(): AddressInfo | null {
    return this.server.address() as AddressInfo | null;
  }

  /** The connections served now (for drains and tests). */
  get connections(): ReadonlySet<ClientConnection> {
    return this.#connections;
  }

  /** @internal ConnectionHost. */
  handle(req: ClientRequest, res: ClientResponse): void {
    const h = this.handler;
    if (h === undefined) res.destroy();
    else h(req, res);
  }

  /** @internal ConnectionHost. */
  forget(conn: ClientConnection): void {
    this.#connections.delete(conn);
    if (this.#connections.size === 0 && this.#sweep !== undefined) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }

  /** Stops accepting; `done` runs once every connection is closed (as `net.Server.close`). */
  close(done?: () => void): void {
    // Called also when the server was already closed (with an error argument nobody needs).
    this.server.close(() => done?.());
  }

  /** Closes the connections that wait for a request (Node's `closeIdleConnections`). */
  closeIdleConnections(): void {
    for (const c of this.#connections) if (c.idle) c.socket.destroy();
  }

  /** Closes every connection. */
  closeAllConnections(): void {
    for (const c of this.#connections) c.socket.destroy();
  }

  /** Turns keep-alive off for every response not started yet (nginx's graceful stop). */
  stopKeepAlive(): void {
    this.draining = true;
    for (const c of this.#connections) {
      const res = c.response;
      if (res !== undefined && !res.headersSent) res.shouldKeepAlive = false;
    }
  }

  readonly #accept = (socket: Socket): void => {
    this.#connections.add(new ClientConnection(socket, this));
    this.#sweep ??= setInterval(this.#expire, this.#sweepMs).unref();
  };

  readonly #expire = (): void => {
    const now = Date.now();
    for (const c of this.#connections) if (c.deadline > 0 && now >= c.deadline) c.expire();
  };
}
