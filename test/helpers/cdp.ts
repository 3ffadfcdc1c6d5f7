import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A minimal WebSocket client (RFC 6455: masked text frames out; text, continuation, ping and close
 * in), enough to speak the Chrome DevTools Protocol from Node 20, which has no global WebSocket
 * without a flag.
 */
class MiniWebSocket {
  readonly #socket: Socket;
  #buf = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  onMessage: (text: string) => void = () => undefined;

  constructor(socket: Socket, head: Buffer) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#parse();
    });
    if (head.length > 0) {
      this.#buf = Buffer.from(head);
      this.#parse();
    }
  }

  static connect(url: string): Promise<MiniWebSocket> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-key': randomBytes(16).toString('base64'),
          'sec-websocket-version': '13',
        },
      });
      req.on('upgrade', (_res, socket, head) => {
        resolve(new MiniWebSocket(socket, head));
      });
      req.on('response', (res) => {
        reject(new Error(`websocket upgrade refused: ${res.statusCode}`));
      });
      req.on('error', reject);
      req.end();
    });
  }

  send(text: string): void {
    const payload = Buffer.from(text);
    const n = payload.length;
    const header = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x81;
    if (n < 126) header[1] = 0x80 | n;
    else if (n < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(n, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    const mask = randomBytes(4);
    for (let i = 0; i < n; i++) payload[i] = payload[i]! ^ mask[i & 3]!;
    this.#socket.write(Buffer.concat([header, mask, payload]));
  }

  close(): void {
    this.#socket.destroy();
  }

  #parse(): void {
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      let len = b[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (b.length < off + len) return;
      const payload = b.subarray(off, off + len);
      this.#buf = b.subarray(off + len);
      if (opcode === 0x9) this.#socket.write(Buffer.from([0x8a, 0x80, 0, 0, 0, 0]));
      else if (opcode === 0x8) this.#socket.end();
      else if (opcode === 0x1 || opcode === 0x0) {
        this.#fragments.push(Buffer.from(payload));
        if (fin) {
          const text = Buffer.concat(this.#fragments).toString('utf8');
          this.#fragments = [];
          this.onMessage(text);
        }
      }
    }
  }
}

/** A DevTools Protocol session on one target's WebSocket. */
export class CdpSession {
  readonly #ws: MiniWebSocket;
  #id = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(ws: MiniWebSocket) {
    this.#ws = ws;
    ws.onMessage = (text) => {
      const msg = JSON.parse(text) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.error !== undefined) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
    };
  }

  static async connect(url: string): Promise<CdpSession> {
    return new CdpSession(await MiniWebSocket.connect(url));
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}): Promise<T> {
    const id = ++this.#id;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Evaluates an expression in the page and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
      'Runtime.evaluate',
      {
        expression,
        returnByValue: true,
      },
    );
    if (r.exceptionDetails !== undefined) throw new Error(r.exceptionDetails.text);
    return r.result.value;
  }

  close(): void {
    this.#ws.close();
  }
}
