import { connect, type Socket } from 'node:net';
import type { PeerMetrics } from '../../admin/metrics/peer-metrics.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Peer } from '../upstream/peer.js';
import type { PeerRequest } from '../upstream/peer-request.js';
import type { PickInput } from '../upstream/strategy.js';
import { errnoText, splitAddress } from './errno-text.js';
import type { IdleSweep, Idler } from './idle-sweep.js';
import type { StreamKey } from './key.js';
import { giveReadBuffer, takeReadBuffer } from './read-buffers.js';
import type { StreamServerParams } from './types.js';

/** What a session needs from its listener; one object per listener, shared by its sessions. */
export interface SessionDeps {
  readonly log: Logger;
  readonly clock: Clock;
  readonly key: StreamKey | undefined;
  /** `server: ADDR:PORT` in nginx's log lines. */
  readonly serverText: string;
  /** The metric handles of a peer (cached by the listener). */
  peerMetrics(peer: Peer): PeerMetrics;
  /** Where `proxy_timeout` is enforced. */
  readonly sweep: IdleSweep;
  onEnd(session: StreamSession): void;
}

/**
 * Bytes one direction may queue in the writing socket before the reading side pauses: larger than
 * Node's 16 KiB default so a 64 KiB read rarely stops the reader, small enough to bound memory per
 * session (two directions, plus one read each).
 */
export const STREAM_HIGH_WATER_MARK = 256 * 1024;

/** A peer's address split once, not per connection. */
const targets = new WeakMap<Peer, { host: string; port: number }>();

function targetOf(peer: Peer): { host: string; port: number } {
  let t = targets.get(peer);
  if (t === undefined) {
    t = splitAddress(peer.address);
    targets.set(peer, t);
  }
  return t;
}

/**
 * The balancer's view of a client: `$remote_addr` is read only if the method asks for it
 * (round robin never does), which spares a getpeername() per connection.
 */
class ClientInput implements PickInput {
  readonly #client: Socket;

  constructor(client: Socket) {
    this.#client = client;
  }

  get remoteAddr(): string {
    return this.#client.remoteAddress ?? '';
  }
}

/** {@link ClientInput} with the evaluated `hash KEY`. */
class KeyedClientInput extends ClientInput {
  readonly hashKey: string;

  constructor(client: Socket, key: StreamKey) {
    super(client);
    this.hashKey = key(client);
  }
}

/** Options of a backend socket: Node's typings omit the Duplex high-water mark it accepts. */
interface BackendOptions {
  readonly host: string;
  readonly port: number;
  readonly allowHalfOpen: true;
  readonly noDelay: true;
  readonly writableHighWaterMark: number;
  readonly onread: {
    readonly buffer: () => Buffer;
    readonly callback: (bytes: number, buf: Buffer) => boolean;
  };
}

/**
 * One client connection through the stream proxy (nginx `ngx_stream_proxy_module`): pick a peer,
 * connect with `proxy_connect_timeout`, retry only connection failures (`proxy_next_upstream`,
 * `_tries`, `_timeout`), then relay both ways with backpressure and half-close, closing both sides
 * after `proxy_timeout` of silence. A backend error after connecting closes the client.
 *
 * The relay is hand-written rather than `pipe()`: per chunk it writes, marks the session active
 * for the idle sweep, and pauses the reader when the writer is full; it re-arms no timer and
 * allocates nothing, which is what a profile of the connection-per-request benchmark asked for.
 */
export class StreamSession implements Idler {
  readonly client: Socket;
  #backend: Socket | undefined;
  #peer: Peer | undefined;
  #req: PeerRequest | undefined;
  #connectTimer: ReturnType<Clock['setTimeout']> | undefined;
  #startedAt = 0;
  #connectStart = 0;
  #ended = false;
  #openSockets = 1;
  /** The buffer the backend reads into next; dropped when a client write still holds it. */
  #readBuf: Buffer | undefined;
  /** Idler: set on every chunk relayed. */
  active = false;
  /** Idler: sweep bookkeeping. */
  silentSince = 0;
  readonly idleTimeoutMs: number;
  readonly #p: StreamServerParams;
  readonly #d: SessionDeps;

  constructor(client: Socket, params: StreamServerParams, deps: SessionDeps) {
    this.client = client;
    this.#p = params;
    this.#d = deps;
    this.idleTimeoutMs = params.idleTimeoutMs;
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
    const key = this.#d.key;
    const input = key === undefined ? new ClientInput(c) : new KeyedClientInput(c, key);
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
    this.#d.peerMetrics(peer).selected();
    this.#connectStart = this.#d.clock.now();
    const { host, port } = targetOf(peer);
    const options: BackendOptions = {
      host,
      port,
      allowHalfOpen: true,
      noDelay: true,
      writableHighWaterMark: STREAM_HIGH_WATER_MARK,
      onread: { buffer: this.#nextReadBuffer, callback: this.#onBackendRead },
    };
    const backend = connect(options);
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
    if (this.#peer !== undefined)
      this.#d.peerMetrics(this.#peer).connected((this.#d.clock.now() - this.#connectStart) / 1000);
    // nginx's stream connect notify: fails clear on connect, before the session ends (§1.9).
    this.#req?.connected();
    this.#openSockets++;
    backend.on('close', () => {
      // The handle is closed, so nothing reads into the buffer; a defined #readBuf is not held by
      // a pending client write either (see #onBackendRead).
      const buf = this.#readBuf;
      this.#readBuf = undefined;
      if (buf !== undefined) giveReadBuffer(buf);
      this.#socketClosed();
    });
    // proxy_timeout: any byte in either direction keeps the session alive; silence in both for the
    // whole period closes both sides (see IdleSweep).
    this.#d.sweep.add(this);
    this.#relay(this.client, backend);
    this.#relayEnds(backend, this.client);
    this.client.resume();
  }

  /**
   * The backend reads into a buffer the session keeps (Node's `onread`), instead of a fresh 64 KiB
   * allocation per read whose garbage collection is dear on Tandem's large heap. The buffer is
   * reused only while nothing retains it; see {@link StreamSession.#onBackendRead}.
   */
  readonly #nextReadBuffer = (): Buffer => {
    let buf = this.#readBuf;
    if (buf === undefined) {
      buf = takeReadBuffer();
      this.#readBuf = buf;
    }
    return buf;
  };

  /**
   * Backend to client, per read (Node's `onread` callback). A write Node finished synchronously
   * has copied the bytes to the kernel; one that did not (the client's writable length is not
   * zero: queued in the stream, or partly sent and held by the write request) keeps a reference to
   * this memory, so the next read goes into a fresh buffer. Returning false stops reading until
   * the client drains (`resume()` restarts an `onread` socket).
   */
  readonly #onBackendRead = (bytes: number, buf: Buffer): boolean => {
    this.active = true;
    const to = this.client;
    const ok = to.write(buf.subarray(0, bytes));
    if (to.writableLength > 0) this.#readBuf = undefined;
    return ok;
  };

  /**
   * Copies `from` to `to` with backpressure (pause `from` while `to` is above its high-water mark)
   * and half-close (`from` ending ends `to`'s writing side, as nginx's shutdown(SHUT_WR)).
   */
  #relay(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      this.active = true;
      if (!to.write(chunk)) from.pause();
    });
    this.#relayEnds(from, to);
  }

  /** The relay's backpressure release and half-close, shared by both directions. */
  #relayEnds(from: Socket, to: Socket): void {
    to.on('drain', () => {
      this.active = true;
      from.resume();
    });
    from.on('end', () => {
      this.active = true;
      to.end();
    });
  }

  /** Idler: `proxy_timeout` passed without a byte in either direction. */
  onIdle(): void {
    if (this.#ended) return;
    this.#d.log.info(
      `upstream timed out (110: Connection timed out) while proxying connection, ${this.#ctx()}`,
    );
    this.#abort();
  }

  /** Closes both sides at once (errors, timeouts, no live upstreams, shutdown deadline). */
  #abort(): void {
    this.#finish();
    this.client.destroy();
    this.#backend?.destroy();
  }

  #socketClosed(): void {
    // A socket closes without error only once both of its directions ended, so the other side has
    // been told (the relay ends it); a peer that then never closes is caught by proxy_timeout.
    this.#openSockets--;
    if (this.#openSockets <= 0) this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#d.sweep.delete(this);
    if (this.#connectTimer !== undefined) this.#d.clock.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    // nginx frees the peer with state 0 at session end, whatever happened after connecting.
    if (this.#req?.current !== undefined) {
      const b = this.#backend;
      if (this.#peer !== undefined && b !== undefined)
        this.#d.peerMetrics(this.#peer).bytes(b.bytesRead, b.bytesWritten);
      this.#req.free('ok');
    }
    this.#d.onEnd(this);
  }

  /** Ends the session now (graceful stop past its deadline). */
  destroy(): void {
    this.#abort();
  }
}
