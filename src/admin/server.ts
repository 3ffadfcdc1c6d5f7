import { hostname as osHostname } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AdminConfig } from '../config/model/tandem.js';
import { tandemVersion } from '../cli/version.js';
import { TandemError, messageOf } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { isAuthorized } from './auth.js';
import { adminListenProblem, formatListen } from './listen-policy.js';
import type { Metrics } from './metrics/metrics.js';
import { registerApiRoutes } from './routes/api.js';
import { registerLoginRoutes } from './routes/login.js';
import { registerUiRoutes, type OpenStreams } from './routes/ui.js';
import { StatusHub } from './status-hub.js';
import { statusSnapshot } from './status-snapshot.js';
import type { StatusSource } from './status-source.js';

/** What an admin server is built from. */
export interface AdminServerOptions {
  readonly source: StatusSource;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Bearer token; when set every route but `/healthz` and `/login` requires it. */
  readonly token?: string | undefined;
  readonly version?: string;
  readonly hostname?: string;
  /** How often the dashboard stream looks for changes (ms); 500 keeps updates under a second. */
  readonly pushIntervalMs?: number;
}

/** A built admin server: the fastify app (use `app.inject()` in tests) and its event hub. */
export interface AdminServer {
  readonly app: FastifyInstance;
  readonly hub: StatusHub;
  /** Pushes a fresh status to dashboards now (call on VRRP state changes and peer changes). */
  notify(): void;
  /** Changes the token in place (a reload); undefined turns the check off. */
  setToken(token: string | undefined): void;
  /** Listens; resolves with the bound address (port 0 picks one). */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
}

const OPEN_PATHS = new Set(['/healthz', '/login']);

/**
 * Builds the admin server: fastify with its own logger off (nothing it would log, such as headers,
 * can leak a token), routes for metrics, status, config, control and the dashboard, and the token
 * check in front of all of them. It is never in the data path: the proxies only touch the
 * {@link Metrics} handles.
 */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const { source, metrics, log, token } = options;
  const version = options.version ?? tandemVersion;
  const host = options.hostname ?? osHostname();
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const snapshot = () => statusSnapshot(source, version, host);
  let lastError = '';
  const hub = new StatusHub(
    () => JSON.stringify(snapshot()),
    options.pushIntervalMs ?? 500,
    (err) => {
      // Once per distinct failure, not every tick.
      const msg = messageOf(err);
      if (msg !== lastError) log.error(`admin: status for the dashboard failed: ${msg}`);
      lastError = msg;
    },
  );
  const streams: OpenStreams = new Set();
  metrics.attach(source);

  let current = token !== undefined && token.length > 0 ? token : undefined;
  app.addHook('onRequest', async (req, reply) => {
    if (current === undefined) return;
    const path = req.url.split('?', 1)[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    if (isAuthorized(current, req.headers)) return;
    log.debug(`admin: unauthorized ${req.method} ${path} from ${req.ip}`);
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html'))
      return reply.redirect('/login', 303);
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="tandem"')
      .send({ error: 'unauthorized: send Authorization: Bearer <token>' });
  });
  registerLoginRoutes(app, () => current);
  // Answer errors without stack traces or echoing request data.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const code = err.statusCode ?? 500;
    if (code >= 500) log.error(`admin: ${err.message}`);
    return reply.code(code).send({ error: code >= 500 ? 'internal error' : err.message });
  });
  registerApiRoutes(app, { source, metrics, hub, log, snapshot });
  registerUiRoutes(app, hub, streams);
  app.addHook('preClose', (done) => {
    for (const end of [...streams]) end();
    hub.close();
    done();
  });

  return {
    app,
    hub,
    notify: () => {
      hub.poke();
    },
    setToken(next: string | undefined) {
      current = next !== undefined && next.length > 0 ? next : undefined;
    },
    async listen(h: string, port: number) {
      await app.listen({ host: h, port });
      const addr = app.server.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
      log.info(`admin server listening on http://${formatListen(h, bound)}/`);
      return { host: h, port: bound };
    },
    async close() {
      await app.close();
    },
  };
}

/**
 * Checks the listen policy, builds the server and listens where `admin` says. Refuses a non-loopback
 * address without a token with a TandemError naming the address (tandem.conf reports the same as a
 * located diagnostic before anything starts).
 */
export async function startAdminServer(
  admin: AdminConfig,
  options: Omit<AdminServerOptions, 'token'>,
): Promise<AdminServer> {
  const problem = adminListenProblem(admin);
  if (problem !== undefined) throw new TandemError('TANDEM_ERR_ADMIN_LISTEN', problem, { pluginId: 'admin' });
  const server = createAdminServer({ ...options, token: admin.token });
  try {
    await server.listen(admin.host, admin.port);
  } catch (err) {
    await server.close();
    throw new TandemError(
      'TANDEM_ERR_ADMIN_LISTEN',
      `admin server cannot listen on ${formatListen(admin.host, admin.port)}: ${(err as Error).message}`,
      { pluginId: 'admin', cause: err },
    );
  }
  return server;
}
