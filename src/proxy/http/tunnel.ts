import type { Socket } from 'node:net';
import type { ResponseHead } from './response-parser.js';

/** What an upgraded connection (101 Switching Protocols) is made of. */
export interface TunnelParams {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly head: ResponseHead;
  /** Bytes the upstream sent right after its 101 head. */
  readonly upstreamLeftover: Buffer | undefined;
  /** Bytes the client sent after its request head (the server held them for the tunnel). */
  readonly clientHead: Buffer | undefined;
  /** `proxy_read_timeout`: nginx closes an upgraded connection idle this long in either direction. */
  readonly idleTimeoutMs: number;
  readonly signature: string;
  /** Called once when both sides are closed (frees the peer). */
  readonly onEnd: () => void;
}

/**
 * Turns the client and upstream connections into a bidirectional byte pipe after a 101, as
 * nginx's `ngx_http_upstream_upgrade` does: the 101 head is relayed (Connection/Upgrade kept),
 * then bytes flow both ways with backpressure (`pipe`), half-closes propagate, and an error,
 * close or idle timeout on either side closes both, so no socket outlives its peer.
 */
export function startTunnel(p: TunnelParams): void {
  const { client, upstream } = p;
  client.setNoDelay(true);
  let head = `HTTP/1.1 101 ${p.head.reason === '' ? 'Switching Protocols' : p.head.reason}\r\nServer: ${p.signature}\r\n`;
  const h = p.head.headers;
  for (let i = 0; i + 1 < h.length; i += 2) {
    const lower = (h[i] ?? '').toLowerCase();
    if (lower === 'server' || lower === 'date' || lower === 'keep-alive') continue;
    head += `${h[i] ?? ''}: ${h[i + 1] ?? ''}\r\n`;
  }
  client.write(`${head}\r\n`, 'latin1');
  if (p.upstreamLeftover !== undefined && p.upstreamLeftover.length > 0) client.write(p.upstreamLeftover);
  if (p.clientHead !== undefined && p.clientHead.length > 0) upstream.write(p.clientHead);

  let ended = false;
  const closeBoth = (): void => {
    if (ended) return;
    ended = true;
    client.destroy();
    upstream.destroy();
    p.onEnd();
  };
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  client.setTimeout(p.idleTimeoutMs, closeBoth);
  upstream.setTimeout(p.idleTimeoutMs, closeBoth);
  upstream.pipe(client);
  client.pipe(upstream);
  upstream.resume();
}
