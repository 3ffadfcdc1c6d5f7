import { request } from 'node:http';

/**
 * One GET to 127.0.0.1:`port` through a fresh connection (as many clients do): the body on a 200,
 * else `ERR:<status or error code>`. A server that accepts and never answers fails after 5 s.
 */
export function getBody(port: number, path = '/'): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? body : `ERR:${res.statusCode ?? 0}`));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`ERR:${e.code ?? e.message}`));
    req.setTimeout(5_000, () => req.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
    req.end();
  });
}
