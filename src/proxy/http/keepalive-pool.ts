import type { UpstreamConnection } from './upstream-connection.js';
import type { KeepaliveParams } from './types.js';

/** nginx's defaults for an `upstream {}` with `keepalive N` (keepalive_timeout 60s, _requests 1000, _time 1h). */
export function keepaliveParams(connections: number, over: Partial<KeepaliveParams> = {}): KeepaliveParams {
  return { connections, timeoutMs: 60_000, requests: 1000, timeMs: 3_600_000, ...over };
}

/**
 * The idle-connection cache of one upstream (nginx `ngx_http_upstream_keepalive_module`): at most
 * `keepalive` idle connections across all peers of the upstream; a new idle connection beyond
 * that closes the least recently used one. A cached connection is reused only for the same peer
 * address the balancer chose, so caching never changes the selection order (reference §1.8).
 */
export class KeepalivePool {
  readonly params: KeepaliveParams;
  /** Most recently used last. */
  readonly #idle: UpstreamConnection[] = [];
  readonly #drop = (conn: UpstreamConnection): void => {
    const i = this.#idle.indexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
  };

  constructor(params: KeepaliveParams) {
    this.params = params;
  }

  /** Idle connections cached now. */
  get size(): number {
    return this.#idle.length;
  }

  /** Takes the most recently cached idle connection to `host:port`, if any. */
  take(key: string): UpstreamConnection | undefined {
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const conn = this.#idle[i];
      if (conn?.key !== key) continue;
      this.#idle.splice(i, 1);
      if (conn.closed) continue;
      conn.reused = true;
      return conn;
    }
    return undefined;
  }

  /**
   * Caches a connection whose exchange completed cleanly, or closes it when it reached
   * `keepalive_requests` or `keepalive_time`.
   */
  put(conn: UpstreamConnection, now: number): void {
    if (
      this.params.connections <= 0 ||
      conn.requests >= this.params.requests ||
      now - conn.createdAt >= this.params.timeMs
    ) {
      conn.destroy();
      return;
    }
    if (this.#idle.length >= this.params.connections) this.#idle.shift()?.destroy();
    conn.release(this.params.timeoutMs, this.#drop);
    this.#idle.push(conn);
  }

  /** Closes every idle connection (reload or shutdown). */
  close(): void {
    for (const conn of this.#idle.splice(0)) conn.destroy();
  }
}
