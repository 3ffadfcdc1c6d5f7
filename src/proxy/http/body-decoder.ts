/**
 * Decodes a client request body by its framing: a Content-Length count, or chunked transfer coding
 * (RFC 9112 §7.1), which nginx decodes before passing the body on. One decoder per connection,
 * reset per request; body bytes are passed on as views of the read buffer, never copied.
 */

type State = 'length' | 'size' | 'ext' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

/** Receives the decoded body. */
export interface BodyOutput {
  bodyData(chunk: Buffer): void;
}

/** nginx refuses a chunk size that does not fit in an off_t; 15 hex digits keep it a safe integer. */
const maxSizeDigits = 15;

/** An incremental request body decoder. */
export class BodyDecoder {
  #state: State = 'done';
  #remaining = 0;
  #digits = 0;
  /** Length of the trailer line being read (0 at its start: an empty line ends the body). */
  #trailerLine = 0;
  /** Set when the chunked framing was invalid (nginx answers 400). */
  invalid = false;

  /** True once the whole body was decoded. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Starts a body of `length` bytes (0: none) or a chunked one. */
  reset(length: number, chunked: boolean): void {
    this.invalid = false;
    this.#digits = 0;
    this.#remaining = 0;
    if (chunked) this.#state = 'size';
    else if (length > 0) {
      this.#state = 'length';
      this.#remaining = length;
    } else this.#state = 'done';
  }

  /**
   * Decodes from `buf[off, end)` into `out`; returns the offset where the body ended (the rest
   * belongs to the next request), `end` when all was body, or -1 on invalid framing.
   */
  execute(buf: Buffer, off: number, end: number, out: BodyOutput): number {
    let i = off;
    while (i < end) {
      switch (this.#state) {
        case 'done':
          return i;
        case 'length':
        case 'data': {
          const n = Math.min(this.#remaining, end - i);
          out.bodyData(i === 0 && n === buf.length ? buf : buf.subarray(i, i + n));
          i += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = this.#state === 'length' ? 'done' : 'data-cr';
          break;
        }
        case 'size': {
          const c = buf[i] ?? 0;
          const d = hexValue(c);
          if (d >= 0) {
            if (++this.#digits > maxSizeDigits) return this.#invalid();
            this.#remaining = this.#remaining * 16 + d;
          } else if (this.#digits === 0) return this.#invalid();
          else if (c === 59 || c === 32 || c === 9) this.#state = 'ext';
          else if (c === 13) this.#state = 'size-lf';
          else if (c === 10) this.#sizeDone();
          else return this.#invalid();
          i++;
          break;
        }
        case 'ext': {
          const c = buf[i++];
          if (c === 13) this.#state = 'size-lf';
          else if (c === 10) this.#sizeDone();
          break;
        }
        case 'size-lf':
          if (buf[i++] !== 10) return this.#invalid();
          this.#sizeDone();
          break;
        case 'data-cr': {
          const c = buf[i++];
          if (c === 13) this.#state = 'data-lf';
          else if (c === 10) this.#state = 'size';
          else return this.#invalid();
          break;
        }
        case 'data-lf':
          if (buf[i++] !== 10) return this.#invalid();
          this.#state = 'size';
          break;
        case 'trailer': {
          const c = buf[i++];
          if (c === 10) {
            if (this.#trailerLine === 0) this.#state = 'done';
            this.#trailerLine = 0;
          } else if (c !== 13) {
            // Trailer fields are read and dropped, as nginx 1.22 does; cap them like a header line.
            if (++this.#trailerLine > 8192) return this.#invalid();
          }
          break;
        }
      }
    }
    return this.#state === 'done' ? i : end;
  }

  #sizeDone(): void {
    this.#digits = 0;
    if (this.#remaining === 0) {
      this.#state = 'trailer';
      this.#trailerLine = 0;
    } else this.#state = 'data';
  }

  #invalid(): -1 {
    this.invalid = true;
    this.#state = 'done';
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
