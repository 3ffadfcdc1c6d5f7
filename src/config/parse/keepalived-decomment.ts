/**
 * keepalived's per-line lexical passes that run before tokenising (lib/parser.c `decomment` l.2169 and
 * the brace split at the end of `read_line`), ported to strings so columns stay known.
 */

/** The result of {@link decomment}: the kept text and where it starts in the physical line. */
export interface Decommented {
  readonly text: string;
  /** 0-based offset of `text[0]` in the input (leading blanks removed). */
  readonly offset: number;
  /** True when a `"` was left open: keepalived reports `Unterminated quote '...'`. */
  readonly unterminatedQuote: boolean;
  /** The line as keepalived quotes it in that message (after leading blanks are removed). */
  readonly quoted: string;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Removes a `#` or `!` comment that is outside double quotes, the `\` of `\#` / `\!` outside quotes,
 * and leading and trailing blanks. A trailing lone `\` is kept (glued to the last word), as keepalived
 * keeps it: only `$NAME=` definitions treat it as a continuation.
 */
export function decomment(input: string): Decommented {
  let start = 0;
  while (isBlank(input[start])) start++;
  const str = input.slice(start);
  let out = '';
  let quote = false;
  let cont = false;
  let cut = -1;
  for (let i = 0; i < str.length; i++) {
    const c = str.charAt(i);
    if (c === '"') {
      if (cut < 0) quote = !quote;
      out += c;
      continue;
    }
    if (c === '\\') {
      const next = str[i + 1];
      if (next === undefined) {
        cont = true;
        break;
      }
      // `\#` and `\!` outside quotes give the literal character (the backslash goes).
      if (!quote && (next === '#' || next === '!')) out += next;
      else out += c + next;
      i++;
      continue;
    }
    if (!quote && cut < 0 && (c === '!' || c === '#')) cut = out.length;
    out += c;
  }
  let text = cut >= 0 ? out.slice(0, cut) : out;
  let end = text.length;
  while (end > 0 && isBlank(text[end - 1])) end--;
  text = text.slice(0, end);
  if (cont) text += '\\';
  return { text, offset: start, unterminatedQuote: quote, quoted: str };
}

/** One piece of a brace split: the text and its 0-based offset in the line it came from. */
export interface LinePiece {
  readonly text: string;
  readonly offset: number;
}

/**
 * Splits off the first `{` or `}` that is outside double quotes, as `read_line` does: a line starting
 * with a brace becomes that brace alone and the rest (blanks skipped) is re-read as a new line; any
 * other line is cut just before the brace. Returns the head and, when there is one, the residue.
 */
export function splitBrace(text: string): { head: LinePiece; rest?: LinePiece } {
  const first = text[0];
  let at = -1;
  if (first === '{' || first === '}') at = 0;
  else {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) break;
        i = close;
        continue;
      }
      if (c === '{' || c === '}') {
        at = i;
        break;
      }
    }
  }
  if (at < 0) return { head: { text: trimEnd(text), offset: 0 } };
  let skip = 0;
  if (at === 0) {
    skip = 1;
    while (isBlank(text[skip])) skip++;
  }
  const restStart = at + skip;
  if (restStart >= text.length) return { head: { text: trimEnd(text), offset: 0 } };
  const rest = trimEnd(text.slice(restStart));
  return {
    head: { text: trimEnd(text.slice(0, restStart)), offset: 0 },
    rest: { text: rest, offset: restStart },
  };
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isBlank(s[end - 1])) end--;
  return s.slice(0, end);
}
