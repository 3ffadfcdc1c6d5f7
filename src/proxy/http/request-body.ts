import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

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
