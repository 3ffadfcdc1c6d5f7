import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { maskSecrets } from '../../config/dump.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StatusHub } from '../status-hub.js';
import type { StatusSnapshot } from '../status-snapshot.js';
import type { StatusSource } from '../status-source.js';

/** What the API routes need. */
export interface ApiDeps {
  readonly source: StatusSource;
  readonly metrics: Metrics;
  readonly hub: StatusHub;
  readonly log: Logger;
  readonly snapshot: () => StatusSnapshot;
}

interface PeerParams {
  readonly upstream: string;
  readonly server: string;
}

/**
 * A control request from another web origin is refused: with no token (loopback) any page the
 * operator's browser opens could otherwise POST a drain to 127.0.0.1 (CSRF).
 */
function crossOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * `/metrics`, `/status`, `/healthz`, `/config` and the drain/undrain control endpoints. `/config` is
 * masked twice (the source should mask, the route masks again) so no `auth_pass` or token leaves.
 */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { source, metrics, hub, log } = deps;
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.text();
    return reply.type(metrics.contentType).send(text);
  });
  app.get('/healthz', (_req, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/status', (_req, reply) => reply.send(deps.snapshot()));
  app.get('/config', (_req, reply) => reply.send(maskSecrets(source.config())));

  const control = (drain: boolean) => (req: FastifyRequest<{ Params: PeerParams }>, reply: FastifyReply) => {
    if (crossOrigin(req)) return reply.code(403).send({ error: 'cross-origin control request refused' });
    const { upstream, server } = req.params;
    const ok = drain ? source.drain(upstream, server) : source.undrain(upstream, server);
    if (!ok) return reply.code(404).send({ error: `no server "${server}" in upstream "${upstream}"` });
    // HAProxy's "set server … state drain" wording, so the log says what the operator did.
    log.info(
      `upstream ${upstream}: server ${server} ${drain ? 'drained' : 'returned to service'} (admin API)`,
    );
    hub.poke();
    return reply.send({ upstream, server, drained: drain });
  };
  app.post('/api/upstreams/:upstream/servers/:server/drain', control(true));
  app.post('/api/upstreams/:upstream/servers/:server/undrain', control(false));
}
