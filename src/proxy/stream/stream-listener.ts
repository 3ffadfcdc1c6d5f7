import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FrontendMetrics } from '../../admin/metrics/frontend-metrics.js';
import type { Metrics } from '../../admin/metrics/metrics.js';
import type { PeerMetrics } from '../../admin/metrics/peer-metrics.js';
import type { Clock } from '../../core/clock.js';
import type { Peer } from '../upstream/peer.js';
import type { Logger } from '../../core/logger.js';
import { IdleSweep } from './idle-sweep.js';
import { compileStreamKey } from './key.js';
import { STREAM_HIGH_WATER_MARK, StreamSession, type SessionDeps } from './stream-session.js';
import type { StreamServerParams } from './types.js';

/** Connection counters of one listener, nginx stub_status style. */
export interface StreamCounters {
  accepted: number;
  handled: number;
  active: number;
}

/**
 * A `stream { server { listen ...; proxy_pass ...; } }` listener. Accepted clients are paused until
 * their backend connects (no byte is read that could be lost on a retry).
 */
export class StreamListener {
  #params: StreamServerParams;
  readonly counters: StreamCounters = { accepted: 0, handled: 0, active: 0 };
  /** Failed accept() calls so far and the last error (EMFILE...). */
  acceptErrors: { count: number; last: unknown } = { count: 0, last: undefined };
  readonly #sessions = new Set<StreamSession>();
  readonly #server: Server;
  readonly #log: Logger;
  readonly #clock: Clock;
  /** What every session of the current config shares (rebuilt on bind and reload, not per connection). */
  #deps: SessionDeps;
  readonly #sweep = new IdleSweep();
  /** Called when the last session ends while closing. */
  #onIdle: (() => void) | undefined;

  readonly #metrics: Metrics;
  #frontend: FrontendMetrics;
  /** Per-peer metric handles, found once per peer rather than per session. */
  #peerHandles = new WeakMap<Peer, PeerMetrics>();

  constructor(params: StreamServerParams, deps: { log: Logger; clock: Clock; metrics: Metrics }) {
    this.#params = params;
    this.#metrics = deps.metrics;
    this.#frontend = deps.metrics.frontend(frontendNameOf(params), 'stream');
    this.#log = deps.log;
    this.#clock = deps.clock;
    this.#deps = this.#sessionDeps(`${params.listen.host}:${params.listen.port}`);
    // noDelay as nginx's stream `tcp_nodelay on`; a larger high-water mark so a 64 KiB read rarely
    // pauses the other side (see STREAM_HIGH_WATER_MARK).
    this.#server = createServer(
      { allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: STREAM_HIGH_WATER_MARK },
      (c) => {
        this.#accept(c);
      },
    );
    // Node emits a failed accept() (EMFILE, ENFILE) as 'error': unhandled, it would end the daemon;
    // counted, it turns the proxy health tracker down. A failed listen() is listen()'s to report.
    this.#server.on('error', (err: NodeJS.ErrnoException) => {
      if (err.syscall === 'accept') this.acceptErrors = { count: this.acceptErrors.count + 1, last: err };
    });
  }

  #sessionDeps(serverText: string): SessionDeps {
    const params = this.#params;
    return {
      log: this.#log,
      clock: this.#clock,
      key: params.hashKey === undefined ? undefined : compileStreamKey(params.hashKey),
      serverText,
      sweep: this.#sweep,
      peerMetrics: (p) => this.#peerMetrics(p),
      onEnd: (s) => {
        this.#sessionEnded(s);
      },
    };
  }

  #sessionEnded(s: StreamSession): void {
    this.#sessions.delete(s);
    this.counters.active--;
    this.#frontend.connectionClosed();
    this.#frontend.bytes(s.client.bytesRead, s.client.bytesWritten);
    if (this.#sessions.size === 0) this.#onIdle?.();
  }

  #accept(client: Socket): void {
    this.counters.accepted++;
    this.counters.handled++;
    this.counters.active++;
    this.#frontend.connectionOpened();
    const session = new StreamSession(client, this.#params, this.#deps);
    this.#sessions.add(session);
    session.start();
  }

  /** Binds the listening socket; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        reject(err);
      };
      this.#server.once('error', onError);
      this.#server.listen({ host: this.#params.listen.host, port: this.#params.listen.port }, () => {
        this.#server.off('error', onError);
        const a = this.#server.address() as AddressInfo;
        this.#deps = this.#sessionDeps(`${a.address}:${a.port}`);
        resolve(a);
      });
    });
  }

  /**
   * Stops accepting, leaving running sessions alone (the VIP's instance left MASTER); {@link listen}
   * binds again later.
   */
  release(): void {
    if (this.#server.listening) this.#server.close();
  }

  /** Whether the socket is bound and accepting. */
  get listening(): boolean {
    return this.#server.listening;
  }

  #peerMetrics(p: Peer): PeerMetrics {
    let h = this.#peerHandles.get(p);
    if (h === undefined) {
      h = this.#metrics.upstreamPeer(this.#params.upstream.name, p.name);
      this.#peerHandles.set(p, h);
    }
    return h;
  }

  /** The `frontend` label of this listener's metrics: `stream:HOST:PORT`. */
  get frontendName(): string {
    return frontendNameOf(this.#params);
  }

  /** What this listener runs now. */
  get params(): StreamServerParams {
    return this.#params;
  }

  /**
   * Applies a reloaded server block to the same listening socket: sessions accepted from now on use
   * the new upstream and timeouts, running sessions finish on what they started with.
   */
  update(params: StreamServerParams): void {
    this.#params = params;
    this.#peerHandles = new WeakMap();
    this.#deps = this.#sessionDeps(this.#deps.serverText);
  }

  /** The bound address, once listening. */
  address(): AddressInfo | undefined {
    const a = this.#server.address();
    return a === null || typeof a === 'string' ? undefined : a;
  }

  /** Sessions in progress. */
  get active(): number {
    return this.#sessions.size;
  }

  /**
   * Stops accepting, lets running sessions finish, and closes what is left when `signal` aborts
   * (the graceful-stop deadline). Resolves once every session has ended.
   */
  async close(signal?: AbortSignal): Promise<void> {
    this.release();
    if (this.#sessions.size === 0) return;
    await new Promise<void>((resolve) => {
      const force = () => {
        for (const session of [...this.#sessions]) session.destroy();
      };
      this.#onIdle = () => {
        signal?.removeEventListener('abort', force);
        resolve();
      };
      if (signal?.aborted === true) force();
      else signal?.addEventListener('abort', force, { once: true });
    });
  }
}

function frontendNameOf(p: StreamServerParams): string {
  return `stream:${p.listen.host}:${p.listen.port}`;
}
