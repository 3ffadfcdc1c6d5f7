import type { Socket } from 'node:net';
import type { BodySink, ClientRequest } from './client-request.js';

/**
 * How a request body is handled: none; read whole first (`limit` bytes at most, else 413);
 * streamed; or refused up front by `client_max_body_size` (413).
 */
export type BodyPlan =
  | { readonly kind: 'none'; readonly emptyLength: boolean }
  | { readonly kind: 'buffer'; readonly limit: number }
  | { readonly kind: 'stream'; readonly length: number }
  | { readonly kind: 'too-large' };

/**
 * nginx buffers every request body (`proxy_request_buffering on`) and sends it with a length.
 * Tandem does so for chunked bodies and bodies up to `bufferBytes`, so those can be replayed on
 * a retry; larger known-length bodies stream (as `proxy_request_buffering off`) and cannot be
 * replayed once read. `maxBytes` is `client_max_body_size` (0 = unlimited).
 */
export function planBody(req: ClientRequest, bufferBytes: number, maxBytes: number): BodyPlan {
  const length = req.contentLength;
  if (req.upgrade || (!req.chunked && length <= 0)) return { kind: 'none', emptyLength: length === 0 };
  if (maxBytes > 0 && length > maxBytes) return { kind: 'too-large' };
  if (req.chunked) return { kind: 'buffer', limit: maxBytes > 0 ? maxBytes : Number.MAX_SAFE_INTEGER };
  if (length <= bufferBytes) return { kind: 'buffer', limit: length };
  return { kind: 'stream', length };
}

/**
 * Reads a whole request body into memory (nginx `proxy_request_buffering on` with the body in
 * `client_body_buffer_size`), so a failed attempt can send it again. `onTooLarge` runs instead of
 * `onBody` when the body exceeds `limit` (nginx: 413 Request Entity Too Large).
 */
export function readWholeBody(
  req: ClientRequest,
  limit: number,
  onBody: (body: Buffer) => void,
  onTooLarge: () => void,
): void {
  req.readBody(new WholeBody(limit, onBody, onTooLarge));
}

/** Collects a body in memory, up to a limit. */
class WholeBody implements BodySink {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #over = false;
  readonly #limit: number;
  readonly #onBody: (body: Buffer) => void;
  readonly #onTooLarge: () => void;

  constructor(limit: number, onBody: (body: Buffer) => void, onTooLarge: () => void) {
    this.#limit = limit;
    this.#onBody = onBody;
    this.#onTooLarge = onTooLarge;
  }

  bodyData(c: Buffer): void {
    if (this.#over) return;
    this.#size += c.length;
    if (this.#size > this.#limit) {
      this.#over = true;
      this.#onTooLarge();
      return;
    }
    this.#chunks.push(c);
  }

  bodyEnd(): void {
    if (this.#over) return;
    const c = this.#chunks;
    this.#onBody(c.length === 1 && c[0] !== undefined ? c[0] : Buffer.concat(c, this.#size));
  }
}

/**
 * Streams a request body to the upstream socket with backpressure both ways (nginx
 * `proxy_request_buffering off`; only bodies with a Content-Length stream). `isCurrent` guards
 * against writing after the attempt was abandoned; `onEnd(flushed)` runs once the last byte was
 * handed to the socket.
 */
export function pumpBody(
  req: ClientRequest,
  socket: Socket,
  isCurrent: () => boolean,
  onEnd: (flushed: boolean) => void,
): void {
  const onDrain = (): void => {
    req.resume();
  };
  socket.on('drain', onDrain);
  req.readBody({
    bodyData(c: Buffer): void {
      if (!isCurrent()) return;
      if (!socket.write(c)) req.pause();
    },
    bodyEnd(): void {
      socket.removeListener('drain', onDrain);
      if (!isCurrent()) return;
      onEnd(!socket.writableNeedDrain);
    },
  });
}
