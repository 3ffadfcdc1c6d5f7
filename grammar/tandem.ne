# tandem.conf: Tandem's own small file, in nginx-style syntax:
#   name arg... ;   and   name arg... { ... }
# Quoted words ("..." or '...') are literal; `#` starts a comment at the start of a word.
@preprocessor typescript

@{%
import moo from 'moo';
import type { RawDirective, RawWord } from '../raw.js';

const lexer = moo.compile({
  ws: { match: /[ \t\r\n]+/, lineBreaks: true },
  comment: /#[^\n]*/,
  dquoted: { match: /"(?:\\.|[^"\\])*"/, lineBreaks: true },
  squoted: { match: /'(?:\\.|[^'\\])*'/, lineBreaks: true },
  lbrace: '{',
  rbrace: '}',
  semi: ';',
  word: /[^\s;{}"'#][^\s;{}"']*/,
});

// Drop whitespace and comments before the parser sees them (nearley's lexer interface).
const skipping = {
  reset: (chunk: string, info?: moo.LexerState) => lexer.reset(chunk, info),
  save: () => lexer.save(),
  formatError: (t: moo.Token, message?: string) => lexer.formatError(t, message),
  has: (name: string) => lexer.has(name),
  next(): moo.Token | undefined {
    for (;;) {
      const t = lexer.next();
      if (t === undefined || (t.type !== 'ws' && t.type !== 'comment')) return t;
    }
  },
};

function toRaw(t: moo.Token): RawWord {
  const quoted = t.type === 'dquoted' || t.type === 'squoted';
  const text = quoted ? t.value.slice(1, -1).replace(/\\(.)/g, '$1') : t.value;
  return { text, line: t.line, col: t.col, quoted };
}
%}

@lexer skipping

main -> statement:* {% (d) => d[0] %}

statement ->
    name args %semi {% (d): RawDirective => ({ name: d[0], args: d[1] }) %}
  | name args %lbrace statement:* %rbrace {% (d): RawDirective => ({ name: d[0], args: d[1], block: d[3] }) %}

name -> %word {% (d) => toRaw(d[0]) %}

args -> arg:* {% (d) => d[0] %}

arg -> %word {% (d) => toRaw(d[0]) %}
  | %dquoted {% (d) => toRaw(d[0]) %}
  | %squoted {% (d) => toRaw(d[0]) %}
