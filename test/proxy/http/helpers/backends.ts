import { createServer, type Server, type Socket } from 'node:net';

/** A raw TCP HTTP backend that records every request head and counts connections. */
export interface Recorder {
  readonly port: number;
  readonly heads: string[];
  readonly bodies: string[];
  connections: number;
  close(): Promise<void>;
}

/** What a recorder answers; the default is `200 ok` with Content-Length, keeping 1.1 connections open. */
export type Responder = (head: string, body: string, socket: Socket) => void;

const okResponder: Responder = (head, _body, socket) => {
  const close = /^connection:\s*close/im.test(head) || /^[^\r\n]* HTTP\/1\.0\r\n/.test(head);
  socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${close ? 'Connection: close\r\n' : ''}\r\nok`);
  if (close) socket.end();
};

/** Starts a recording backend on 127.0.0.1:0 (or `port`). */
export async function startRecorder(respond: Responder = okResponder, port = 0): Promise<Recorder> {
  const sockets = new Set<Socket>();
  const rec = { heads: [] as string[], bodies: [] as string[], connections: 0 };
  const server: Server = createServer((socket) => {
    rec.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end + 4);
        const m = /^content-length:\s*(\d+)/im.exec(head);
        const len = m === null ? 0 : Number(m[1]);
        if (buf.length < end + 4 + len) return;
        const body = buf.toString('latin1', end + 4, end + 4 + len);
        buf = buf.subarray(end + 4 + len);
        rec.heads.push(head);
        rec.bodies.push(body);
        respond(head, body, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address();
  return Object.assign(rec, {
    port: typeof addr === 'object' && addr !== null ? addr.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  });
}
