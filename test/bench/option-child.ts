/**
 * The data-path options measured against Tandem's own forwarding (reference/performance.md §2),
 * each as its own process: `node option-child.js MODE UPSTREAM_PORT` prints its port.
 * - `http-proxy-3`: createProxyServer with a keep-alive http.Agent (64 sockets), 502 on error;
 * - `node-http`: Node's http.request through the same kind of Agent, piped both ways;
 * - `tcp-pipe`: a plain `net` socket pipe (`client.pipe(backend).pipe(client)`), the ceiling a Node
 *   TCP proxy can reach here (reference/performance.md §2: about 0.68x HAProxy `mode tcp`).
 */
import { Agent, createServer, request } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';

const mode = process.argv[2];
const upstreamPort = Number(process.argv[3]);
const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
const target = `http://127.0.0.1:${upstreamPort}`;

if (mode === 'tcp-pipe') {
  const pipe = createTcpServer({ allowHalfOpen: true }, (c) => {
    const b = connect({ port: upstreamPort, host: '127.0.0.1', allowHalfOpen: true });
    c.pipe(b).pipe(c);
    c.on('error', () => b.destroy());
    b.on('error', () => c.destroy());
  });
  pipe.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(pipe.address() as AddressInfo).port}\n`);
  });
}

const server =
  mode === 'tcp-pipe'
    ? undefined
    : mode === 'http-proxy-3'
      ? (() => {
          const proxy = createProxyServer({ target, agent });
          proxy.on('error', (_err, _req, res) => {
            if ('writeHead' in res && !res.headersSent) res.writeHead(502);
            res.end();
          });
          return createServer((req, res) => {
            proxy.web(req, res);
          });
        })()
      : createServer((req, res) => {
          const up = request(
            {
              host: '127.0.0.1',
              port: upstreamPort,
              method: req.method,
              path: req.url,
              headers: req.headers,
              agent,
            },
            (r) => {
              res.writeHead(r.statusCode ?? 502, r.headers);
              r.pipe(res);
            },
          );
          up.on('error', () => {
            if (!res.headersSent) res.writeHead(502);
            res.end();
          });
          req.pipe(up);
        });
if (server !== undefined) {
  server.keepAliveTimeout = 75_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}
