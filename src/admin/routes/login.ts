import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, secretMatches, sessionValue } from '../auth.js';

const form = (message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem admin login</title>
<link rel="stylesheet" href="/dashboard.css"></head>
<body><header><h1>Tandem</h1></header><main>
<h2>Admin token</h2>${message}
<form method="post" action="/login">
<input type="password" name="token" autocomplete="current-password" autofocus size="40">
<button type="submit">Sign in</button></form></main></body></html>
`;

/**
 * The dashboard's sign-in for a token-protected admin server: a browser cannot add an
 * `Authorization` header to a page load or an EventSource, so the form trades the token for an
 * HttpOnly, SameSite=Strict cookie holding an HMAC of it (never the token itself).
 */
export function registerLoginRoutes(app: FastifyInstance, token: () => string | undefined): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
  app.get('/login', (_req, reply) =>
    token() === undefined ? reply.redirect('/', 303) : reply.type('text/html; charset=utf-8').send(form('')),
  );
  app.post('/login', (req, reply) => {
    const expected = token();
    if (expected === undefined) return reply.redirect('/', 303);
    const body = req.body as Record<string, unknown> | undefined;
    const presented = typeof body?.token === 'string' ? body.token : '';
    if (!secretMatches(expected, presented)) {
      return reply.code(401).type('text/html; charset=utf-8').send(form('<p class="empty">wrong token</p>'));
    }
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=${sessionValue(expected)}; Path=/; HttpOnly; SameSite=Strict`)
      .redirect('/', 303);
  });
}
