import type { FastifyInstance } from 'fastify';
import { dashboardCss, dashboardHtml } from '../assets/dashboard-page.js';
import { dashboardJs } from '../assets/dashboard-script.js';
import type { StatusHub } from '../status-hub.js';

/** The SSE streams open now, so closing the server can end them (they never end by themselves). */
export type OpenStreams = Set<() => void>;

/**
 * The dashboard (`/`, its script and stylesheet) and its event stream (`/events`, server-sent
 * events carrying the `/status` document).
 */
export function registerUiRoutes(app: FastifyInstance, hub: StatusHub, streams: OpenStreams): void {
  const page = (type: string, body: string) => (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.type(type).header('cache-control', 'no-cache').send(body);
  app.get('/', page('text/html; charset=utf-8', dashboardHtml));
  app.get('/dashboard.js', page('text/javascript; charset=utf-8', dashboardJs));
  app.get('/dashboard.css', page('text/css; charset=utf-8', dashboardCss));

  app.get('/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Tell nginx-style proxies in front not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    const unsubscribe = hub.subscribe((chunk) => res.write(chunk));
    const end = () => {
      unsubscribe();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    req.raw.on('close', end);
  });
}
