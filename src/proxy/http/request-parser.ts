/**
 * An incremental HTTP/1.x request-head parser for client connections, with nginx 1.22's limits
 * and verdicts (`ngx_http_parse_request_line`, `ngx_http_parse_header_line`,
 * `ngx_http_process_request_headers`): lines are parsed as they complete, so a head split across
 * reads at any byte costs no re-scan; names and values go into one flat array.
 */

/** nginx `large_client_header_buffers 4 8k`: the longest request line or header line. */
export const maxLineBytes = 8192;
/** The four 8k buffers together: the largest whole head. */
export const maxHeadBytes = 4 * 8192;

/**
 * Why a head was refused: the status nginx answers with (every one closes the connection).
 * `too-large` is nginx's `400 Request Header Or Cookie Too Large`.
 */
export type HeadError = 400 | 414 | 501 | 505 | 'too-large';

/** A parsed request head. */
export interface RequestHead {
  /** Upper-case method as sent (`GET`). */
  readonly method: string;
  /** The request target as sent (`/a?b`, or an absolute URL). */
  readonly url: string;
  /** `1.1`, `1.0`, or `1.N` as sent (nginx logs the digits as they came). */
  readonly httpVersion: string;
  /** True for HTTP/1.1 and later minors (chunked responses, keep-alive by default). */
  readonly http11: boolean;
  /** Header names and values alternating, as received (names keep their case). */
  readonly rawHeaders: string[];
  /** The Host header's value, if any. */
  readonly host: string | undefined;
  /** Content-Length, or -1. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** Whether the client lets the connection stay open after the response. */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue`. */
  readonly expectContinue: boolean;
  /** `Connection: upgrade` with an `Upgrade` header (Node's 'upgrade' condition). */
  readonly upgrade: boolean;
}

/** What one line did to the head. */
type LineResult = 'more' | 'end' | 'error';

const CR = 13;

/** nginx's method bytes: A-Z, `_` and `-`. */
function methodChar(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 95 || c === 45;
}

/** The value of a decimal digit byte, or -1. */
function digit(c: number | undefined): number {
  return c !== undefined && c >= 48 && c <= 57 ? c - 48 : -1;
}
const LF = 10;

/** Bytes allowed in a header name; others make nginx ignore the line (`ignore_invalid_headers on`). */
const nameChars = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  nameChars[c] = alnum || c === 45 ? 1 : 0;
}

/**
 * Parses one request head at a time from the bytes of one client connection. Reuse it for every
 * request of the connection: {@link RequestParser.reset} is cheap.
 */
export class RequestParser {
  /** Bytes of a line not yet complete; reused across requests. */
  #partial: Buffer = Buffer.allocUnsafe(1024);
  #partialLen = 0;
  #lines = 0;
  #headBytes = 0;
  #method = '';
  #url = '';
  #version = '';
  #http11 = false;
  #raw: string[] = [];
  #host: string | undefined;
  #contentLength = -1;
  #chunked = false;
  #teSeen = false;
  #close = false;
  #keepAliveToken = false;
  #upgradeToken = false;
  #upgradeHeader = false;
  #expect = false;
  /** The refusal, once {@link execute} returned -2. */
  error: HeadError | undefined;
  /** The complete head, once {@link execute} returned an offset. */
  head: RequestHead | undefined;

  /** True once a byte of the next request arrived (nginx then times it by client_header_timeout). */
  get started(): boolean {
    return this.#lines > 0 || this.#partialLen > 0;
  }

  /** Prepares for the next request. */
  reset(): void {
    this.#partialLen = 0;
    this.#lines = 0;
    this.#headBytes = 0;
    this.#raw = [];
    this.#host = undefined;
    this.#contentLength = -1;
    this.#chunked = false;
    this.#teSeen = false;
    this.#close = false;
    this.#keepAliveToken = false;
    this.#upgradeToken = false;
    this.#upgradeHeader = false;
    this.#expect = false;
    this.error = undefined;
    this.head = undefined;
  }

  /**
   * Feeds `buf[off, end)`. Returns the offset just past the head once it is complete (see
   * {@link head}), -1 when every byte was taken and more are needed, or -2 on a refusal (see
   * {@link error}).
   */
  execute(buf: Buffer, off: number, end: number): number {
    let i = off;
    while (i < end) {
      const nl = buf.indexOf(LF, i);
      if (nl < 0 || nl >= end) {
        if (!this.#keep(buf, i, end)) return -2;
        return -1;
      }
      let done: LineResult;
      if (this.#partialLen > 0) {
        if (!this.#keep(buf, i, nl)) return -2;
        const len = this.#partialLen;
        this.#partialLen = 0;
        done = this.#line(this.#partial, 0, len);
      } else {
        if (nl + 1 - i > maxLineBytes) {
          this.#tooLong();
          return -2;
        }
        done = this.#line(buf, i, nl);
      }
      i = nl + 1;
      if (done === 'error') return -2;
      if (done === 'end') return i;
    }
    return -1;
  }

  /** Keeps the start of a line that continues in a later read. */
  #keep(buf: Buffer, s: number, e: number): boolean {
    const n = e - s;
    const need = this.#partialLen + n;
    // nginx: a line with its LF must fit in one 8k buffer, so 8192 bytes without it is too long.
    if (need >= maxLineBytes) return this.#tooLong();
    if (need > this.#partial.length) {
      const bigger = Buffer.allocUnsafe(Math.min(maxLineBytes + 1, Math.max(need, this.#partial.length * 2)));
      this.#partial.copy(bigger, 0, 0, this.#partialLen);
      this.#partial = bigger;
    }
    buf.copy(this.#partial, this.#partialLen, s, e);
    this.#partialLen = need;
    return true;
  }

  /** A line over 8k: 414 while in the request line, else nginx's "Header Or Cookie Too Large". */
  #tooLong(): false {
    this.error = this.#lines === 0 ? 414 : 'too-large';
    return false;
  }

  #fail(error: HeadError): false {
    this.error = error;
    return false;
  }

  /** One line without its LF. */
  #line(b: Buffer, s: number, e: number): LineResult {
    if (e > s && b[e - 1] === CR) e--;
    this.#headBytes += e - s + 2;
    if (this.#headBytes > maxHeadBytes) {
      this.#fail(this.#lines === 0 ? 414 : 'too-large');
      return 'error';
    }
    if (this.#lines === 0) {
      // nginx skips empty lines before the request line (RFC 9112 §2.2).
      if (e === s) {
        this.#headBytes = 0;
        return 'more';
      }
      this.#lines = 1;
      return this.#requestLine(b, s, e) ? 'more' : 'error';
    }
    if (e === s) return this.#finish() ? 'end' : 'error';
    this.#lines++;
    return this.#headerLine(b, s, e) ? 'more' : 'error';
  }

  /** `METHOD SP target SP HTTP/1.x` (nginx accepts several spaces between the parts). */
  #requestLine(b: Buffer, s: number, e: number): boolean {
    let i = s;
    while (i < e && methodChar(b[i] ?? 0)) i++;
    if (i === s || i >= e || b[i] !== 32) return this.#fail(400);
    this.#method = b.toString('latin1', s, i);
    while (i < e && b[i] === 32) i++;
    const us = i;
    while (i < e && (b[i] ?? 0) > 32 && b[i] !== 127) i++;
    if (i === us || i >= e || b[i] !== 32) return this.#fail(400); // HTTP/0.9 is not served
    this.#url = b.toString('latin1', us, i);
    while (i < e && b[i] === 32) i++;
    if (e - i < 8 || b.toString('latin1', i, i + 5) !== 'HTTP/') return this.#fail(400);
    i += 5;
    const vs = i;
    let major = 0;
    for (let d = digit(b[i]); i < e && d >= 0 && i - vs < 3; d = digit(b[++i])) major = major * 10 + d;
    if (i === vs || b[i] !== 46) return this.#fail(400);
    const ms = ++i;
    let minor = 0;
    for (let d = digit(b[i]); i < e && d >= 0 && i - ms < 3; d = digit(b[++i])) minor = minor * 10 + d;
    if (i === ms) return this.#fail(400);
    while (i < e && b[i] === 32) i++;
    if (i !== e) return this.#fail(400);
    if (major > 1) return this.#fail(505);
    if (major === 0) return this.#fail(400);
    this.#version = b.toString('latin1', vs, e).trimEnd();
    this.#http11 = minor >= 1;
    return true;
  }

  /** `name: value`; a NUL, a bare CR, a space before the colon or a folded line is a 400. */
  #headerLine(b: Buffer, s: number, e: number): boolean {
    if (b[s] === 32 || b[s] === 9) return this.#fail(400); // obs-fold
    let i = s;
    let valid = true;
    for (; i < e; i++) {
      const c = b[i] ?? 0;
      if (c === 58) break;
      if (c === 0 || c === CR || c === 32 || c === 9) return this.#fail(400);
      if (nameChars[c] === 0) valid = false;
    }
    if (i === s) return this.#fail(400);
    if (i === e) return true; // no colon: nginx ignores the line
    const colon = i;
    i++;
    while (i < e && (b[i] === 32 || b[i] === 9)) i++;
    let ve = e;
    while (ve > i && (b[ve - 1] === 32 || b[ve - 1] === 9)) ve--;
    for (let j = i; j < ve; j++) {
      const c = b[j];
      if (c === 0 || c === CR) return this.#fail(400);
    }
    // nginx ignores a line whose name has a byte outside [A-Za-z0-9-] (underscores_in_headers off).
    if (!valid) return true;
    const name = b.toString('latin1', s, colon);
    const value = b.toString('latin1', i, ve);
    this.#raw.push(name, value);
    return this.#special(name, value);
  }

  /** The headers nginx acts on itself (ngx_http_headers_in). */
  #special(name: string, value: string): boolean {
    const n = name.length;
    if (n !== 4 && n !== 6 && n !== 7 && n !== 10 && n !== 14 && n !== 17) return true;
    const lower = name.toLowerCase();
    if (lower === 'host') {
      // A second Host, or one nginx's ngx_http_validate_host refuses: 400.
      if (this.#host !== undefined || value === '' || value.includes('/') || value.includes('\\'))
        return this.#fail(400);
      this.#host = value;
    } else if (lower === 'content-length') {
      if (this.#contentLength >= 0 || !/^\d{1,15}$/.test(value)) return this.#fail(400);
      this.#contentLength = Number(value);
    } else if (lower === 'transfer-encoding') {
      if (this.#teSeen) return this.#fail(400);
      this.#teSeen = true;
      this.#chunked = value.length === 7 && value.toLowerCase() === 'chunked';
    } else if (lower === 'connection') {
      const v = value.toLowerCase();
      if (v.includes('close')) this.#close = true;
      if (v.includes('keep-alive')) this.#keepAliveToken = true;
      if (v.includes('upgrade')) this.#upgradeToken = true;
    } else if (lower === 'upgrade') {
      this.#upgradeHeader = true;
    } else if (lower === 'expect') {
      this.#expect = value.toLowerCase() === '100-continue';
    }
    return true;
  }

  /** The empty line: nginx's checks on the whole head (ngx_http_process_request_header). */
  #finish(): boolean {
    if (this.#http11 && this.#host === undefined) return this.#fail(400);
    if (this.#teSeen) {
      if (!this.#http11) return this.#fail(400);
      if (!this.#chunked) return this.#fail(501);
      if (this.#contentLength >= 0) return this.#fail(400);
    }
    this.head = {
      method: this.#method,
      url: this.#url,
      httpVersion: this.#version,
      http11: this.#http11,
      rawHeaders: this.#raw,
      host: this.#host,
      contentLength: this.#contentLength,
      chunked: this.#chunked,
      keepAlive: !this.#close && (this.#http11 || this.#keepAliveToken),
      expectContinue: this.#expect,
      upgrade: this.#upgradeToken && this.#upgradeHeader,
    };
    return true;
  }
}
