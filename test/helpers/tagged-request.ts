import { request } from 'node:http';

/** What the client saw for one tagged request. */
export interface TaggedReply {
  readonly status: number;
  /** `X-Backend` of the answer, or `-` for a response the proxy generated. */
  readonly backend: string;
  readonly body: string;
  readonly server: string;
  readonly contentType: string;
}

/**
 * Sends one request carrying `X-Req: id` from source address `from` (127.x.y.z, so ip_hash sees
 * distinct clients) on a fresh connection, a POST with a small body, and resolves with what came
 * back. The differential suites send the same sequence to nginx and to Tandem with it.
 */
export function sendTagged(
  port: number,
  id: number,
  path: string,
  method: string,
  from: string,
): Promise<TaggedReply> {
  return new Promise((resolve, reject) => {
    const body = method === 'POST' ? 'payload' : undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress: from,
        agent: false,
        // Read what nginx relays verbatim (a control character in a header value) instead of failing.
        insecureHTTPParser: true,
        headers: { 'x-req': String(id), ...(body === undefined ? {} : { 'content-length': body.length }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('latin1');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const h = (n: string): string => String(res.headers[n] ?? '');
          resolve({
            status: res.statusCode ?? 0,
            backend: h('x-backend') === '' ? '-' : h('x-backend'),
            body: text,
            server: h('server'),
            contentType: h('content-type'),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`request ${id} (${path}) got no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}
