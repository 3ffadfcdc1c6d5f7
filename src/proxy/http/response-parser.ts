/**
 * An incremental HTTP/1.x response parser for pooled upstream sockets: the response head, then
 * the body by its framing (Content-Length, chunked, until close, none). Chunked bodies are
 * decoded, as nginx does before re-framing them for the client. Written for the hot path: one
 * parser per connection, reset per request, no per-chunk allocation except slices.
 */

/** How the response body is delimited (RFC 9112 §6.3). */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close' | 'upgrade';

/** A parsed response head. */
export interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minor: number;
  /** Header names and values alternating, as received (names keep their case). */
  readonly headers: string[];
  readonly framing: BodyFraming;
  readonly contentLength: number;
  /** False when the upstream asked to close, or spoke HTTP/1.0 without keep-alive. */
  readonly keepAlive: boolean;
}

/** Receives what the parser finds. */
export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

/** The longest response head accepted (nginx: "upstream sent too big header"). */
export const maxHeadBytes = 64 * 1024;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'close' | 'done';

/** Parses one response at a time from the bytes of one upstream connection. */
export class ResponseParser {
  #sink: ResponseSink | undefined;
  #state: State = 'done';
  #noBody = false;
  #pending: Buffer | undefined;
  #remaining = 0;
  #line = '';
  /** Bytes after a complete response or a 101 head (tunnel data, or a protocol violation). */
  leftover: Buffer | undefined;
  /** The error found, `invalid_header` or `too_big`. */
  error: 'invalid_header' | 'too_big' | 'invalid_body' | undefined;
  /** nginx's own wording for an `invalid_header` it names (`upstream sent invalid header: "X-A\x00..."`). */
  errorDetail: string | undefined;

  /** Prepares for the response to a request with this method (HEAD responses carry no body). */
  reset(sink: ResponseSink, method: string): void {
    this.#sink = sink;
    this.#state = 'head';
    this.#noBody = method === 'HEAD';
    this.#pending = undefined;
    this.#line = '';
    this.leftover = undefined;
    this.error = undefined;
    this.errorDetail = undefined;
  }

  /** True between the head and the end of the body. */
  get inBody(): boolean {
    return this.#state !== 'head' && this.#state !== 'done';
  }

  /** True once the response completed. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** True while the body runs until the connection closes. */
  get untilClose(): boolean {
    return this.#state === 'close';
  }

  /** Feeds bytes; returns false on a protocol error (see {@link error}). */
  execute(data: Buffer): boolean {
    let buf = data;
    let off = 0;
    while (off < buf.length) {
      switch (this.#state) {
        case 'head': {
          if (this.#pending !== undefined) {
            buf = Buffer.concat([this.#pending, buf.subarray(off)]);
            off = 0;
            this.#pending = undefined;
          }
          const end = buf.indexOf('\r\n\r\n', off, 'latin1');
          if (end < 0) {
            if (buf.length - off > maxHeadBytes) return this.#fail('too_big');
            this.#pending = Buffer.from(buf.subarray(off));
            return true;
          }
          if (!this.#head(buf.toString('latin1', off, end))) return false;
          off = end + 4;
          if ((this.#state as State) === 'done') {
            if (off < buf.length) this.leftover = buf.subarray(off);
            return true;
          }
          break;
        }
        case 'length': {
          const n = Math.min(this.#remaining, buf.length - off);
          this.#sink?.onBody(buf.subarray(off, off + n));
          off += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#finish(buf, off);
          break;
        }
        case 'close':
          this.#sink?.onBody(off === 0 ? buf : buf.subarray(off));
          return true;
        case 'chunk-size':
        case 'trailer': {
          const nl = buf.indexOf(10, off);
          if (nl < 0) {
            this.#line += buf.toString('latin1', off);
            if (this.#line.length > 4096) return this.#fail('invalid_body');
            return true;
          }
          const line = (this.#line + buf.toString('latin1', off, nl)).replace(/\r$/, '');
          this.#line = '';
          off = nl + 1;
          if (!this.#chunkLine(line, buf, off)) return false;
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.#remaining, buf.length - off);
          this.#sink?.onBody(buf.subarray(off, off + n));
          off += n;
          this.#remaining -= n;
          if (this.#remaining === 0) {
            this.#state = 'chunk-crlf';
            this.#remaining = 2;
          }
          break;
        }
        case 'chunk-crlf': {
          const c = buf[off];
          off++;
          if (c === 10) this.#state = 'chunk-size';
          else if (c !== 13) return this.#fail('invalid_body');
          break;
        }
        case 'done':
          this.leftover = buf.subarray(off);
          return true;
      }
    }
    return true;
  }

  /** The connection closed: completes a close-delimited body; false if the response was cut short. */
  endOfStream(): boolean {
    if (this.#state === 'close') {
      this.#state = 'done';
      this.#sink?.onEnd();
      return true;
    }
    return this.#state === 'done';
  }

  #fail(kind: 'invalid_header' | 'too_big' | 'invalid_body'): false {
    this.error = kind;
    this.#state = 'done';
    return false;
  }

  #finish(buf: Buffer, off: number): void {
    this.#state = 'done';
    if (off < buf.length) this.leftover = buf.subarray(off);
    this.#sink?.onEnd();
  }

  #chunkLine(line: string, buf: Buffer, off: number): boolean {
    if (this.#state === 'trailer') {
      if (line === '') this.#finish(buf, off);
      return true;
    }
    const semi = line.indexOf(';');
    const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return this.#fail('invalid_body');
    const size = parseInt(hex, 16);
    if (size === 0) this.#state = 'trailer';
    else {
      this.#state = 'chunk-data';
      this.#remaining = size;
    }
    return true;
  }

  #head(text: string): boolean {
    // Scanned in place rather than split into lines and matched with a regex: this runs once per
    // response. The status line must be `HTTP/1.0|1 DDD[ reason]` with no lone CR or LF.
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    if (!validStatusLine(text, eol)) return this.#fail('invalid_header');
    const status = Number(text.slice(9, 12));
    const minor = text.charCodeAt(7) - 48;
    const headers: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let close = minor === 0;
    for (let start = eol + 2; start <= text.length;) {
      let end = text.indexOf('\r\n', start);
      if (end < 0) end = text.length;
      // nginx `ngx_http_parse_header_line` refuses a NUL anywhere in a header line and logs the
      // line up to it (ngx_http_proxy_process_header).
      const nul = text.indexOf('\0', start);
      if (nul >= 0 && nul < end) {
        this.errorDetail = `upstream sent invalid header: "${text.slice(start, nul)}\\x00..."`;
        return this.#fail('invalid_header');
      }
      const colon = text.indexOf(':', start);
      if (colon <= start || colon >= end || text.charCodeAt(colon - 1) === 32) {
        return this.#fail('invalid_header');
      }
      const name = text.slice(start, colon);
      const value = text.slice(colon + 1, end).trim();
      start = end + 2;
      headers.push(name, value);
      const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : '';
      if (lower === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (contentLength >= 0 && Number(value) !== contentLength)) {
          return this.#fail('invalid_header');
        }
        contentLength = Number(value);
      } else if (lower === 'transfer-encoding') {
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
        if (!chunked) close = true;
      } else if (lower === 'connection') {
        const v = value.toLowerCase();
        if (v.includes('close')) close = true;
        else if (minor === 0 && v.includes('keep-alive')) close = false;
      }
    }
    if (status < 200 && status !== 101) {
      // 100 Continue and other interim responses: skip and parse the final head (RFC 9110 §15.2).
      this.#state = 'head';
      return true;
    }
    let framing: BodyFraming;
    if (status === 101) framing = 'upgrade';
    else if (this.#noBody || status === 204 || status === 304) framing = 'none';
    else if (chunked) framing = 'chunked';
    else if (contentLength >= 0) framing = contentLength === 0 ? 'none' : 'length';
    else framing = 'close';
    const head: ResponseHead = {
      status,
      reason: eol > 12 ? text.slice(13, eol) : '',
      minor,
      headers,
      framing,
      contentLength,
      keepAlive: !close && framing !== 'close' && framing !== 'upgrade',
    };
    this.#state =
      framing === 'length'
        ? 'length'
        : framing === 'chunked'
          ? 'chunk-size'
          : framing === 'close'
            ? 'close'
            : 'done';
    this.#remaining = contentLength;
    this.#sink?.onHead(head);
    if (framing === 'none') this.#sink?.onEnd();
    return true;
  }
}

/** `HTTP/1.[01] DDD` optionally followed by ` reason`, where the reason holds no CR or LF. */
function validStatusLine(text: string, eol: number): boolean {
  if (eol < 12 || !text.startsWith('HTTP/1.')) return false;
  const minor = text.charCodeAt(7);
  if ((minor !== 48 && minor !== 49) || text.charCodeAt(8) !== 32) return false;
  for (let i = 9; i < 12; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (eol === 12) return true;
  if (text.charCodeAt(12) !== 32) return false;
  for (let i = 13; i < eol; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return false;
  }
  return true;
}
