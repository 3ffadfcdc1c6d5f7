import { connect } from 'node:net';

/** A response read off the wire. */
export interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: Buffer;
  /** True when the connection closed before a complete response (Content-Length not reached). */
  readonly truncated: boolean;
}

/** Header value from a raw head (first match, case-insensitive). */
export function header(head: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m?.[1]?.trim();
}

/**
 * Sends exact request bytes and reads one response: the head, then Content-Length bytes, or
 * until close. The socket is destroyed afterwards.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (truncated: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length === 0) {
          reject(new Error('connection closed without a response'));
          return;
        }
        reject(new Error(`no response head: ${buf.toString('latin1')}`));
        return;
      }
      const head = buf.toString('latin1', 0, end);
      resolve({ status: Number(head.split(' ')[1]), head, body: buf.subarray(end + 4), truncated });
    };
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        s.destroy();
        reject(new Error('response timeout'));
      }
    }, timeoutMs);
    s.on('error', () => {
      finish(true);
    });
    s.on('close', () => {
      const end = buf.indexOf('\r\n\r\n');
      const len = end < 0 ? undefined : header(buf.toString('latin1', 0, end), 'content-length');
      finish(len !== undefined && buf.length - end - 4 < Number(len));
    });
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.toString('latin1', 0, end);
      const len = header(head, 'content-length');
      const status = Number(head.split(' ')[1]);
      if ((len !== undefined && buf.length - end - 4 >= Number(len)) || status === 101 || status === 304)
        finish(false);
    });
    s.write(request);
  });
}

/** `GET path` with Connection: close. */
export function get(port: number, path: string, host = 'example.test', extra = ''): Promise<RawResponse> {
  return rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);
}

/** Open TCP sockets in this process (Node's active resources), for leak checks. */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Waits until `openSockets()` drops to `expected` (or the deadline passes) and returns the count. */
export async function settleSockets(expected: number, ms = 2000): Promise<number> {
  const until = Date.now() + ms;
  while (openSockets() > expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return openSockets();
}
