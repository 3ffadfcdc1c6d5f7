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
 * `proxy_request_buffering off`), re-chunking it when it arrived chunked. `isCurrent` guards
 * against writing after the attempt was abandoned; `onEnd(flushed)` runs once the last byte was
 * handed to the socket.
 */
export function pumpBody(
  req: IncomingMessage,
  socket: Socket,
  chunked: boolean,
  isCurrent: () => boolean,
  onEnd: (flushed: boolean) => void,
): void {
  const onDrain = (): void => {
    req.resume();
  };
  socket.on('drain', onDrain);
  req.on('data', (c: Buffer) => {
    if (!isCurrent()) return;
    const ok = chunked
      ? socket.write(`${c.length.toString(16)}\r\n`) && socket.write(c) && socket.write('\r\n')
      : socket.write(c);
    if (!ok) req.pause();
  });
  req.on('end', () => {
    socket.removeListener('drain', onDrain);
    if (!isCurrent()) return;
    onEnd(chunked ? socket.write('0\r\n\r\n') : true);
  });
}
