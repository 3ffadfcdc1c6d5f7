import { connect, type Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Peer } from '../upstream/peer.js';
import type { PeerRequest } from '../upstream/peer-request.js';
import { errnoText, splitAddress } from './errno-text.js';
import type { StreamKey } from './key.js';
import type { StreamServerParams } from './types.js';

/** What a session needs from its listener. */
export interface SessionDeps {
  readonly log: Logger;
  readonly clock: Clock;
  readonly key: StreamKey | undefined;
  /** `server: ADDR:PORT` in nginx's log lines. */
  readonly serverText: string;
  readonly onEnd: (session: StreamSession) => void;
}

/**
 * One client connection through the stream proxy (nginx `ngx_stream_proxy_module`): pick a peer,
 * connect with `proxy_connect_timeout`, retry only connection failures (`proxy_next_upstream`,
 * `_tries`, `_timeout`), then pipe both ways with backpressure and half-close, closing both sides
 * after `proxy_timeout` of silence. A backend error after connecting closes the client.
 */
export class StreamSession {
  readonly client: Socket;
  #backend: Socket | undefined;
  #peer: Peer | undefined;
  #req: PeerRequest | undefined;
  #connectTimer: ReturnType<Clock['setTimeout']> | undefined;
  #startedAt = 0;
  #ended = false;
  #openSockets = 1;
  readonly #p: StreamServerParams;
  readonly #d: SessionDeps;

  constructor(client: Socket, params: StreamServerParams, deps: SessionDeps) {
    this.client = client;
    this.#p = params;
    this.#d = deps;
  }

  #ctx(): string {
    const peer = this.#peer === undefined ? this.#p.upstream.name : this.#peer.address;
    return `client: ${this.client.remoteAddress ?? '-'}, server: ${this.#d.serverText}, upstream: "${peer}"`;
  }

  /** Starts balancing and connecting; the client stays paused until a backend is connected. */
  start(): void {
    const c = this.client;
    c.on('error', () => this.#abort());
    c.on('close', () => this.#socketClosed());
    this.#startedAt = this.#d.clock.now();
    const input = {
      remoteAddr: c.remoteAddress ?? '',
      ...(this.#d.key === undefined ? {} : { hashKey: this.#d.key(c) }),
    };
    this.#req = this.#p.upstream.begin(input, this.#p.nextUpstreamTries);
    this.#connectNext();
  }

  #connectNext(): void {
    const req = this.#req;
    if (req === undefined || this.#ended) return;
    const peer = req.pick();
    if (peer === undefined) {
      this.#peer = undefined;
      this.#d.log.error(`no live upstreams while connecting to upstream, ${this.#ctx()}`);
      this.#abort();
      return;
    }
    this.#peer = peer;
    const { host, port } = splitAddress(peer.address);
    const backend = connect({ host, port, allowHalfOpen: true });
    this.#backend = backend;
    this.#connectTimer = this.#d.clock.setTimeout(() => {
      this.#connectFailed(
        backend,
        'upstream timed out (110: Connection timed out) while connecting to upstream',
      );
    }, this.#p.connectTimeoutMs);
    backend.once('connect', () => this.#connected(backend));
    backend.on('error', (err) => {
      if (this.#connectTimer !== undefined) {
        this.#connectFailed(backend, `connect() failed ${errnoText(err)} while connecting to upstream`);
      } else if (!this.#ended) {
        this.#d.log.error(
          `recv() failed ${errnoText(err)} while proxying and reading from upstream, ${this.#ctx()}`,
        );
        this.#abort();
      }
    });
  }

  #connectFailed(backend: Socket, message: string): void {
    if (this.#connectTimer !== undefined) this.#d.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    backend.destroy();
    this.#d.log.error(`${message}, ${this.#ctx()}`);
    const req = this.#req;
    if (req === undefined) return;
    if (req.free('failed'))
      this.#d.log.warn(`upstream server temporarily disabled while connecting to upstream, ${this.#ctx()}`);
    this.#peer = undefined;
    // nginx ngx_stream_proxy_next_upstream: give up when the tries are spent, next_upstream is off,
    // or the next_upstream_timeout has passed since the first attempt.
    const limit = this.#p.nextUpstreamTimeoutMs;
    const expired = limit > 0 && this.#d.clock.now() - this.#startedAt >= limit;
    if (req.tries === 0 || !this.#p.nextUpstream || expired || this.#ended) this.#abort();
    else this.#connectNext();
  }

  #connected(backend: Socket): void {
    if (this.#connectTimer !== undefined) this.#d.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    if (this.#ended) {
      backend.destroy();
      return;
    }
    // nginx's stream connect notify: fails clear on connect, before the session ends (§1.9).
    this.#req?.connected();
    this.#openSockets++;
    backend.on('close', () => this.#socketClosed());
    const c = this.client;
    c.setNoDelay(true);
    backend.setNoDelay(true);
    // proxy_timeout: a socket's idle timer restarts on reads and writes, so data in either
    // direction keeps both alive; silence on one side for the whole period closes the session.
    const idle = () => {
      this.#d.log.info(
        `upstream timed out (110: Connection timed out) while proxying connection, ${this.#ctx()}`,
      );
      this.#abort();
    };
    c.setTimeout(this.#p.idleTimeoutMs, idle);
    backend.setTimeout(this.#p.idleTimeoutMs, idle);
    c.pipe(backend);
    backend.pipe(c);
    c.resume();
  }

  /** Closes both sides at once (errors, timeouts, no live upstreams, shutdown deadline). */
  #abort(): void {
    this.#finish();
    this.client.destroy();
    this.#backend?.destroy();
  }

  #socketClosed(): void {
    // A socket closes without error only once both of its directions ended, so the other side has
    // been told (pipe ends it); a peer that then never closes is caught by proxy_timeout.
    this.#openSockets--;
    if (this.#openSockets <= 0) this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#connectTimer !== undefined) this.#d.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    // nginx frees the peer with state 0 at session end, whatever happened after connecting.
    if (this.#req?.current !== undefined) this.#req.free('ok');
    this.#d.onEnd(this);
  }

  /** Ends the session now (graceful stop past its deadline). */
  destroy(): void {
    this.#abort();
  }
}
