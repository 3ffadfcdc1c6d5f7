import { Socket } from 'node:net';
import { ResponseParser } from './response-parser.js';

/** Receives the events of the connection while one exchange owns it. */
export interface ConnectionOwner {
  onConnect(): void;
  onData(chunk: Buffer): void;
  /** The peer closed or reset, or the socket failed; `err` is the socket error if any. */
  onClose(err: NodeJS.ErrnoException | undefined): void;
  onTimeout(): void;
}

/**
 * One TCP connection to an upstream peer. Listeners are attached once for its lifetime and
 * dispatch to the exchange that currently owns it, so reusing a pooled connection costs no
 * listener churn. While idle (no owner) any close, error, data or timeout just discards it.
 */
export class UpstreamConnection {
  readonly socket: Socket;
  readonly parser = new ResponseParser();
  /** `host:port`, the pool key. */
  readonly key: string;
  readonly createdAt: number;
  /** Requests sent on this connection so far (for `keepalive_requests`). */
  requests = 0;
  /** True once taken from the keep-alive cache (nginx `u->peer.cached`). */
  reused = false;
  connected = false;
  closed = false;
  #owner: ConnectionOwner | undefined;
  #onIdleClose: ((conn: UpstreamConnection) => void) | undefined;
  #error: NodeJS.ErrnoException | undefined;
  /** The socket timeout armed now, so re-arming the same value costs nothing. */
  #timeoutMs = -1;

  constructor(host: string, port: number, connectTimeoutMs: number, owner: ConnectionOwner) {
    this.key = `${host}:${port}`;
    this.createdAt = Date.now();
    this.#owner = owner;
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    this.timeout(connectTimeoutMs);
    socket.on('connect', () => {
      this.connected = true;
      this.#owner?.onConnect();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.#owner !== undefined) this.#owner.onData(chunk);
      else socket.destroy(); // an idle connection must not send anything
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#error ??= err;
    });
    socket.on('end', () => {
      // Half-close from the peer ends our use of the connection too.
      socket.destroy();
    });
    socket.on('close', () => {
      this.closed = true;
      const owner = this.#owner;
      this.#owner = undefined;
      if (owner !== undefined) owner.onClose(this.#error);
      else this.#onIdleClose?.(this);
    });
    socket.on('timeout', () => {
      if (this.#owner !== undefined) this.#owner.onTimeout();
      else socket.destroy(); // keepalive_timeout expired
    });
    socket.connect(port, host);
  }

  /**
   * Sets the socket's inactivity timeout (connect, send, read or keep-alive idle). Node restarts the
   * timer on every read and write, so when the value is unchanged (nginx's defaults are all 60 s)
   * nothing is re-armed: each `setTimeout` would allocate a timer and a bound callback per request.
   */
  timeout(ms: number): void {
    if (ms === this.#timeoutMs) return;
    this.#timeoutMs = ms;
    this.socket.setTimeout(ms);
  }

  /** Hands the connection to an exchange (taken from the pool). */
  adopt(owner: ConnectionOwner): void {
    this.#owner = owner;
    this.#onIdleClose = undefined;
  }

  /** Makes the connection idle; `onIdleClose` runs if it closes while cached. */
  release(idleTimeoutMs: number, onIdleClose: (conn: UpstreamConnection) => void): void {
    this.#owner = undefined;
    this.#onIdleClose = onIdleClose;
    this.timeout(idleTimeoutMs);
  }

  /** Closes the connection without telling the owner (the owner already knows why). */
  destroy(): void {
    this.#owner = undefined;
    this.#onIdleClose = undefined;
    this.socket.destroy();
  }

  /** Stops dispatching to the owner without closing (the socket is handed to a tunnel). */
  detach(): void {
    this.#owner = undefined;
    this.#onIdleClose = undefined;
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('timeout');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('close');
  }
}
