import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

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
export function planBody(req: IncomingMessage, bufferBytes: number, maxBytes: number): BodyPlan {
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  const length = cl === undefined ? -1 : Number(cl);
  if (te === undefined && length <= 0) return { kind: 'none', emptyLength: cl !== undefined };
  if (maxBytes > 0 && length > maxBytes) return { kind: 'too-large' };
  if (te !== undefined) return { kind: 'buffer', limit: maxBytes > 0 ? maxBytes : Number.MAX_SAFE_INTEGER };
  if (length <= bufferBytes) return { kind: 'buffer', limit: length };
  return { kind: 'stream', length };
}

/**
 * Reads a whole request body into memory (nginx `proxy_request_buffering on` with the body in
 * `client_body_buffer_size`), so a failed attempt can send it again. `onTooLarge` runs instead of
 * `onBody` when the body exceeds `limit` (nginx: 413 Request Entity Too Large).
 */
export function readWholeBody(
  req: IncomingMessage,
  limit: number,
  onBody: (body: Buffer) => void,
  onTooLarge: () => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (c: Buffer) => {
    if (over) return;
    size += c.length;
    if (size > limit) {
      over = true;
      onTooLarge();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (over) return;
    onBody(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
  });
}

/**
 * Streams a request body to the upstream socket with backpressure both ways (nginx
 * `proxy_request_buffering off`; only bodies with a Content-Length stream). `isCurrent` guards
 * against writing after the attempt was abandoned; `onEnd(flushed)` runs once the last byte was
 * handed to the socket.
 */
export function pumpBody(
  req: IncomingMessage,
  socket: Socket,
  isCurrent: () => boolean,
  onEnd: (flushed: boolean) => void,
): void {
  const onDrain = (): void => {
    req.resume();
  };
  socket.on('drain', onDrain);
  req.on('data', (c: Buffer) => {
    if (!isCurrent()) return;
    if (!socket.write(c)) req.pause();
  });
  req.on('end', () => {
    socket.removeListener('drain', onDrain);
    if (!isCurrent()) return;
    onEnd(!socket.writableNeedDrain);
  });
}
