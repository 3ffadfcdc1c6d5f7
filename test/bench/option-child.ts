/**
 * The data-path options measured against Tandem's own forwarding (reference/performance.md §2),
 * each as its own process: `node option-child.js MODE UPSTREAM_PORT` prints its port.
 * - `http-proxy-3`: createProxyServer with a keep-alive http.Agent (64 sockets), 502 on error;
 * - `node-http`: Node's http.request through the same kind of Agent, piped both ways.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';

const mode = process.argv[2];
const upstreamPort = Number(process.argv[3]);
const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
const target = `http://127.0.0.1:${upstreamPort}`;

const server =
  mode === 'http-proxy-3'
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
server.keepAliveTimeout = 75_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
