import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { closedPort } from '../../helpers/ports.js';

/**
 * What a backend does with one request, read from the request's query (`?a=500&b=close`), so the
 * same request sequence makes the same backends behave the same under nginx and under Tandem:
 * - a status number: answer it;
 * - `close`: read the request, close without a reply (nginx: "upstream prematurely closed");
 * - `closeN` (`close3`): close every Nth request this backend gets in this case (nginx-tests
 *   upstream.t `/close`), answer the others;
 * - `hang`: hold the request until the driver releases it (then 200);
 * - `stall`: never answer (the proxy's read timeout fires);
 * - `bad`: answer a head with a NUL in a header name (nginx: `upstream sent invalid header`);
 * - `ctl`: answer 200 with a control character in a header value (nginx passes it on).
 * `all=ACTION` applies to every backend not named.
 */
type Action = number | 'ok' | 'close' | 'hang' | 'stall' | 'bad' | 'ctl';

function actionOf(query: URLSearchParams, id: string, n: number): Action {
  const a = query.get(id) ?? query.get('all') ?? 'ok';
  const every = /^close(\d+)$/.exec(a);
  if (every !== null) return n % Number(every[1]) === 0 ? 'close' : 'ok';
  if (/^\d{3}$/.test(a)) return Number(a);
  return a === 'close' || a === 'hang' || a === 'stall' || a === 'bad' || a === 'ctl' ? a : 'ok';
}

/**
 * The real backends of the differential: live HTTP servers on 127.0.0.1 that answer `X-Backend: ID`
 * and the body `ID`, and closed ports for dead peers. Both engines are driven against the same
 * backends; {@link E2eBackends.reset} clears their per-case counters between the two runs.
 */
export class E2eBackends {
  readonly ports = new Map<string, number>();
  readonly #servers: Server[] = [];
  readonly #counts = new Map<string, number>();
  readonly #held: ServerResponse[] = [];
  readonly #stalled = new Set<Socket>();
  #waiters: (() => void)[] = [];
  /**
   * The request head each attempt brought, keyed `BACKEND REQ-ID` (request line and header lines
   * as received), so the headers the backends receive can be compared between the engines.
   */
  readonly heads = new Map<string, string>();

  /** Starts the live backends and reserves a refusing port for each dead one. */
  static async start(live: readonly string[], dead: readonly string[]): Promise<E2eBackends> {
    const b = new E2eBackends();
    for (const id of live) await b.#listen(id);
    for (const id of dead) b.ports.set(id, await closedPort());
    return b;
  }

  /** The backend id on `port`, for mapping `$upstream_addr`. */
  idOfPort(port: number): string | undefined {
    for (const [id, p] of this.ports) if (p === port) return id;
    return undefined;
  }

  /** Resolves when some backend holds a new request. */
  nextHeld(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Answers every held request with 200. */
  release(): void {
    for (const res of this.#held.splice(0)) res.end(String(res.getHeader('x-backend')));
  }

  /** Between the two engines: release held requests, drop stalled ones, zero the counters. */
  reset(): void {
    this.release();
    for (const s of this.#stalled) s.destroy();
    this.#stalled.clear();
    this.#counts.clear();
    this.heads.clear();
  }

  async stop(): Promise<void> {
    this.reset();
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }

  #handle(id: string, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = `${id}${url.pathname.split('/')[1] ?? ''}`;
    const n = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, n);
    const action = actionOf(url.searchParams, id, n);
    const lines = [`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
      lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
    this.heads.set(`${id} ${String(req.headers['x-req'])}`, lines.join('\n'));
    req.resume();
    res.setHeader('x-backend', id);
    if (action === 'close') req.socket.destroy();
    else if (action === 'stall') this.#stalled.add(req.socket);
    else if (action === 'ctl')
      req.socket.end(
        `HTTP/1.1 200 OK\r\nX-Backend: ${id}\r\nX-Ctl: a\x01b\r\nContent-Length: 1\r\n\r\n${id}`,
      );
    else if (action === 'bad') req.socket.end('HTTP/1.1 200 OK\r\nX-A\0: b\r\nContent-Length: 0\r\n\r\n');
    else if (action === 'hang') {
      this.#held.push(res);
      for (const w of this.#waiters.splice(0)) w();
    } else {
      res.statusCode = action === 'ok' ? 200 : action;
      res.setHeader('content-type', 'text/plain');
      res.end(id);
    }
  }

  async #listen(id: string): Promise<void> {
    const server = createServer((req, res) => this.#handle(id, req, res));
    this.#servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    this.ports.set(id, typeof a === 'object' && a !== null ? a.port : 0);
  }
}
