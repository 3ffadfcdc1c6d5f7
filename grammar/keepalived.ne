# keepalived.conf: the words of one logical line, as keepalived's `alloc_strvec_r` (lib/parser.c l.1169)
# splits them. The line preprocessor (src/config/parse/keepalived-lines.ts) has already removed
# comments, expanded definitions and sequences, spliced includes and split the line at braces, so a
# line is a list of words: blanks (space, tab, FF, VT, CR) separate them, only double quotes group
# (the quotes are removed), a quote also ends the word before it (`a"b c"` is `a` and `b c`), and an
# unterminated quote ends the line (keepalived: `Unmatched quote`). Single quotes are ordinary
# characters. Block structure is built from the `{` / `}` lines by keepalived-tree.ts, which has to be
# tolerant of unbalanced braces the way keepalived is.
@preprocessor typescript

@{%
import moo from 'moo';
import type { RawWord } from '../raw.js';

const lexer = moo.compile({
  ws: /[ \t\f\v\r]+/,
  dquoted: /"[^"\n]*"/,
  unterminated: /"[^"\n]*/,
  word: /[^ \t\f\v\r\n"]+/,
});

// Blanks only separate words; drop them before the parser sees them (nearley's lexer interface).
const skipping = {
  reset: (chunk: string, info?: moo.LexerState) => lexer.reset(chunk, info),
  save: () => lexer.save(),
  formatError: (t: moo.Token, message?: string) => lexer.formatError(t, message),
  has: (name: string) => lexer.has(name),
  next(): moo.Token | undefined {
    for (;;) {
      const t = lexer.next();
      if (t === undefined || t.type !== 'ws') return t;
    }
  },
};

/** A word of the line, or the marker that a quote was left open (the rest of the line is dropped). */
export type LineToken = RawWord | { readonly unterminated: true; readonly col: number };

function word(t: moo.Token): LineToken {
  if (t.type === 'unterminated') return { unterminated: true, col: t.col };
  const quoted = t.type === 'dquoted';
  return { text: quoted ? t.value.slice(1, -1) : t.value, line: t.line, col: t.col, quoted };
}
%}

@lexer skipping

line -> token:* {% (d) => d[0] %}

token ->
    %word {% (d) => word(d[0]) %}
  | %dquoted {% (d) => word(d[0]) %}
  | %unterminated {% (d) => word(d[0]) %}
