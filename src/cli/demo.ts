import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { createLogger } from '../core/logger.js';
import type { CliOptions } from './args.js';
import { startDaemon } from './daemon.js';
import { installSignalHandlers } from './signals.js';

/** The ports the demo prefers, so the printed URLs are the same every time when they are free. */
const PROXY_PORT = 8080;
const ADMIN_PORT = 9100;

function demoBackend(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from ${name} (${req.method ?? 'GET'} ${req.url ?? '/'})\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

/**
 * `preferred` when nothing listens there on loopback, else a free ephemeral port: a first-time user
 * with something on 8080 still sees the demo work (the banner prints the ports used).
 */
function freePort(preferred: number): Promise<number> {
  const probe = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const s = createTcpServer();
      s.once('error', () => {
        resolve(undefined);
      });
      s.listen(port, '127.0.0.1', () => {
        const bound = (s.address() as AddressInfo).port;
        s.close(() => {
          resolve(bound);
        });
      });
    });
  return probe(preferred).then(async (p) => p ?? (await probe(0)) ?? preferred);
}

function demoNginxConf(backendPorts: readonly number[], proxyPort: number): string {
  return `# Written by tandem --demo for the demo backends' ports.
events {}
http {
    upstream demo {
        server 127.0.0.1:${backendPorts[0] ?? 0} weight=2;
        server 127.0.0.1:${backendPorts[1] ?? 0};
    }
    server {
        listen 127.0.0.1:${proxyPort};
        location / { proxy_pass http://demo; }
    }
}
`;
}

/**
 * `npm start`: runs Tandem without root on loopback, with two demo backends it starts itself and an
 * nginx.conf written for their ephemeral ports, so a first-time user sees it work in seconds. The
 * banner is printed once everything listens, so its URLs answer as soon as they appear.
 */
export async function runDemo(cli: CliOptions): Promise<number> {
  const backends = await Promise.all([demoBackend('backend-a'), demoBackend('backend-b')]);
  const ports = backends.map((b) => (b.address() as AddressInfo).port);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-demo-'));
  const cleanup = () => {
    backends.forEach((b) => b.close());
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const proxyPort = await freePort(PROXY_PORT);
    const adminPort = await freePort(ADMIN_PORT);
    const nginxFile = join(dir, 'nginx.conf');
    writeFileSync(nginxFile, demoNginxConf(ports, proxyPort));
    const log = createLogger({ format: cli.logFormat ?? 'text', level: cli.logLevel ?? 'info' });
    const overrides = { nginxFile, admin: { host: '127.0.0.1', port: adminPort }, configId: 'demo' };
    const loaded = loadConfig(overrides);
    for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (loaded.model === undefined) {
      cleanup();
      return 1;
    }
    const daemon = await startDaemon(loaded.model, overrides, log);
    process.stdout.write(
      `Tandem demo\n  backends: 127.0.0.1:${ports.join(', 127.0.0.1:')}\n  config:   ${nginxFile}\n` +
        `  proxy:    http://127.0.0.1:${proxyPort}/\n` +
        `  admin:    http://127.0.0.1:${adminPort}/ (dashboard, /status, /metrics)\n` +
        `Press Ctrl-C to stop.\n`,
    );
    const code = await installSignalHandlers(daemon, log);
    cleanup();
    return code;
  } catch (err) {
    // The backends must not keep a failed demo alive (main prints the message and exits 1).
    cleanup();
    throw err;
  }
}
