import type { ClientResponse } from './client-response.js';
import { httpDate } from './response-headers.js';

/**
 * nginx's generated error and redirect pages (`ngx_http_special_response.c`), byte for byte:
 * CRLF line breaks and the `<hr><center>SIGNATURE</center>` tail. Tandem answers with the same
 * pages so clients, monitors and tests that match nginx's output keep working.
 */

/** nginx's status-line reason phrases, which also title the pages (note "Gateway Time-out"). */
export const reasonPhrases: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Time-out',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
  505: 'HTTP Version Not Supported',
  507: 'Insufficient Storage',
};

/** Page titles that differ from the status line's reason (ngx_http_error_302_page, …_401_page). */
const pageTitles: Readonly<Record<number, string>> = { 302: 'Found', 401: 'Authorization Required' };

/** The version signature nginx prints (`server_tokens on`); Tandem defaults to it for drop-in parity. */
export const defaultSignature = 'nginx/1.22.1';

const cache = new Map<string, Buffer>();

/** The HTML page nginx generates for `status`, or undefined when nginx has none (2xx, 1xx). */
export function errorPage(status: number, signature: string = defaultSignature): Buffer | undefined {
  const reason = reasonPhrases[status];
  if (reason === undefined) return undefined;
  const key = `${status} ${signature}`;
  let page = cache.get(key);
  if (page === undefined) {
    const title = `${status} ${pageTitles[status] ?? reason}`;
    page = Buffer.from(
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
        `<hr><center>${signature}</center>\r\n</body>\r\n</html>\r\n`,
      'latin1',
    );
    cache.set(key, page);
  }
  return page;
}

/**
 * The raw response for a request head nginx refuses (there is no request to answer then): its
 * page for 414, 501 or 505, or the 400 page, titled "Request Header Or Cookie Too Large" for a
 * head over `large_client_header_buffers` (`too-large`). Always with `Connection: close`.
 */
export function refusalResponse(status: 400 | 414 | 501 | 505 | 'too-large', signature: string): Buffer {
  const code = status === 'too-large' ? 400 : status;
  let body: string;
  if (status === 'too-large') {
    const title = '400 Request Header Or Cookie Too Large';
    body =
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n` +
      `<center>Request Header Or Cookie Too Large</center>\r\n<hr><center>${signature}</center>\r\n</body>\r\n</html>\r\n`;
  } else body = (errorPage(code, signature) ?? Buffer.alloc(0)).toString('latin1');
  return Buffer.from(
    `HTTP/1.1 ${code} ${reasonPhrases[code] ?? ''}\r\nServer: ${signature}\r\nDate: ${httpDate()}\r\n` +
      `Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n\r\n${body}`,
    'latin1',
  );
}

/** Statuses after which nginx closes the connection (`ngx_http_special_response_handler`). */
const closing = new Set([400, 413, 414, 500, 501]);

/** Answers with nginx's page for `status` (or an empty body when it has none). */
export function sendPage(
  res: ClientResponse,
  status: number,
  signature: string,
  extra: readonly string[] = [],
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const page = errorPage(status, signature) ?? Buffer.alloc(0);
  if (closing.has(status)) res.shouldKeepAlive = false;
  res.writeHead(
    status,
    reasonPhrases[status] ?? '',
    [
      'Server',
      signature,
      'Date',
      httpDate(),
      'Content-Type',
      'text/html',
      'Content-Length',
      String(page.length),
      ...extra,
    ],
    page.length,
  );
  res.end(page);
}
