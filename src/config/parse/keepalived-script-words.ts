/**
 * keepalived's second tokenizer for script strings (lib/parser.c `alloc_strvec_quoted_escaped`
 * l.1014): both `"` and `'` group, and backslash escapes `\n \t \a \b \E \f \r \v \xHH \NNN \cC`
 * are decoded, so `notify "/bin/echo 'a b' c"` runs `/bin/echo` with `a b` and `c`.
 */

/** The words of a script string, or keepalived's message when it cannot be split. */
export type ScriptWords =
  { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly message: string };

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
const WHITE = ' \t\f\r\n\v';

/** Splits a script string the way keepalived does before exec'ing it. */
export function splitScriptWords(src: string): ScriptWords {
  const words: string[] = [];
  let i = 0;
  while (i < src.length) {
    while (i < src.length && WHITE.includes(src[i] ?? '')) i++;
    if (i >= src.length) break;
    let word = '';
    let quote = '';
    for (;;) {
      const c = src[i];
      if (c === undefined) {
        if (quote !== '') return { ok: false, message: `String '${src}': missing terminating ${quote}` };
        break;
      }
      if (c === '\\') {
        const n = src[i + 1];
        if (n === undefined) return { ok: false, message: `Missing escape char at end: '${src}'` };
        i += 2;
        if (n === 'x' && /[0-9a-fA-F]/.test(src[i] ?? '')) {
          let v = 0;
          while (/[0-9a-fA-F]/.test(src[i] ?? '')) v = ((v << 4) | parseInt(src[i++] ?? '0', 16)) & 0xff;
          word += String.fromCharCode(v);
        } else if (n === 'c' && src[i] !== undefined) {
          word += String.fromCharCode((src[i++] ?? '').charCodeAt(0) & 0x1f);
        } else if (n >= '0' && n <= '7') {
          let v = n.charCodeAt(0) - 48;
          for (let k = 0; k < 2 && (src[i] ?? '') >= '0' && (src[i] ?? '') <= '7'; k++)
            v = v * 8 + (src[i++] ?? '0').charCodeAt(0) - 48;
          word += String.fromCharCode(v & 0xff);
        } else word += SIMPLE[n] ?? n;
        continue;
      }
      if (quote !== '') {
        if (c === quote) quote = '';
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (WHITE.includes(c)) break;
      word += c;
      i++;
    }
    words.push(word);
  }
  return { ok: true, words };
}
