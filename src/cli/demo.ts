import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { formatDiagnostic } from '../core/diagnostic.js';
import { createLogger } from '../core/logger.js';
import type { CliOptions } from './args.js';
import { startDaemon } from './daemon.js';
import { installSignalHandlers } from './signals.js';

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
 * `npm start`: runs Tandem without root on loopback, with two demo backends it starts itself and an
 * nginx.conf written for their ephemeral ports, so a first-time user sees it work in seconds.
 */
export async function runDemo(cli: CliOptions): Promise<number> {
  const backends = await Promise.all([demoBackend('backend-a'), demoBackend('backend-b')]);
  const ports = backends.map((b) => (b.address() as AddressInfo).port);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-demo-'));
  const nginxFile = join(dir, 'nginx.conf');
  writeFileSync(
    nginxFile,
    `# Written by tandem --demo for the demo backends' ports.
events {}
http {
    upstream demo {
        server 127.0.0.1:${ports[0] ?? 0} weight=2;
        server 127.0.0.1:${ports[1] ?? 0};
    }
    server {
        listen 127.0.0.1:8080;
        location / { proxy_pass http://demo; }
    }
}
`,
  );
  const log = createLogger({ format: cli.logFormat ?? 'text', level: cli.logDetail ? 'debug' : 'info' });
  const overrides = { nginxFile, admin: { host: '127.0.0.1', port: 9100 }, configId: 'demo' };
  const loaded = loadConfig(overrides);
  for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const cleanup = () => {
    backends.forEach((b) => b.close());
    rmSync(dir, { recursive: true, force: true });
  };
  if (loaded.model === undefined) {
    cleanup();
    return 1;
  }
  process.stdout.write(
    `Tandem demo\n  backends: 127.0.0.1:${ports.join(', 127.0.0.1:')}\n  config:   ${nginxFile}\n` +
      `  proxy:    http://127.0.0.1:8080/\n  admin:    http://127.0.0.1:9100/ (dashboard, /status, /metrics)\n` +
      `Press Ctrl-C to stop.\n`,
  );
  const daemon = await startDaemon(loaded.model, overrides, log);
  const code = await installSignalHandlers(daemon, log);
  cleanup();
  return code;
}
