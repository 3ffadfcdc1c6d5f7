import { STATUS_CODES } from 'node:http';
import type { ClientResponse } from './client-response.js';
import { errorPage, reasonPhrases, sendPage } from './error-pages.js';
import { httpDate } from './response-headers.js';
import { evaluate, type RequestVars, type Template } from './variables.js';

const redirects = new Set([301, 302, 303, 307, 308]);

/**
 * nginx's `return` (`ngx_http_rewrite_module`): `444` closes the connection without a response;
 * a redirect code sends `Location` (a path is made absolute from `$host` and the port, as with
 * `absolute_redirect on`) and nginx's page; any other code sends the text as `text/plain`
 * (nginx's built-in `default_type`), or nginx's page when there is no text.
 */
export function sendReturn(
  res: ClientResponse,
  code: number,
  text: Template,
  vars: RequestVars,
  signature: string,
): void {
  if (code === 444) {
    res.destroy();
    return;
  }
  const value = evaluate(text, vars);
  if (redirects.has(code)) {
    let location = value;
    if (location.startsWith('/')) {
      const port = vars.req.socket.localPort ?? 80;
      location = `http://${vars.host}${port === 80 ? '' : `:${port}`}${location}`;
    }
    sendPage(res, code, signature, ['Location', location]);
    return;
  }
  if (value === '' && errorPage(code) !== undefined) {
    sendPage(res, code, signature);
    return;
  }
  const body = Buffer.from(value, 'utf8');
  res.writeHead(
    code,
    reasonPhrases[code] ?? STATUS_CODES[code] ?? '',
    [
      'Server',
      signature,
      'Date',
      httpDate(),
      'Content-Type',
      'text/plain',
      'Content-Length',
      String(body.length),
    ],
    body.length,
  );
  res.end(body);
}
