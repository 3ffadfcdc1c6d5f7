# nginx.conf, read the way nginx 1.22 reads it (src/core/ngx_conf_file.c, ngx_conf_read_token):
#   name arg... ;   and   name arg... { ... }
# Syntax only: meaning lives in src/config/adapt/nginx/*. The lexer below follows ngx_conf_read_token:
# - whitespace is space, TAB, CR, LF only; `;` ends a directive, `{` opens a block, `}` closes one;
# - `#` starts a comment only at the start of a token (`a#b` is one token);
# - `"..."` and `'...'` are quotes only at the start of a token, may span lines, and must be followed by
#   whitespace, `;`, `{` or `)` (otherwise nginx says `unexpected "x"`); a quote inside a token is literal;
# - `\` escapes the next character while tokenising; `}` inside a token is literal; `${` does not open a
#   block, so `${var}` stays one token; variables are kept as text.
@preprocessor typescript

@{%
import moo from 'moo';
import type { RawDirective, RawWord } from '../raw.js';

// The rest of a token once it has started (ngx_conf_read_token's `!last_space` branch).
const TOKEN_REST = String.raw`(?:\\[^]|\$\{?|[^ \t\r\n;{\\$])*`;

const lexer = moo.states({
  main: {
    ws: { match: /[ \t\r\n]+/, lineBreaks: true },
    comment: /#[^\n]*/,
    dquoted: { match: /"(?:\\[^]|[^"\\])*"/, lineBreaks: true, next: 'afterQuote' },
    squoted: { match: /'(?:\\[^]|[^'\\])*'/, lineBreaks: true, next: 'afterQuote' },
    lbrace: '{',
    rbrace: '}',
    semi: ';',
    word: { match: new RegExp(String.raw`(?:\\[^]|\$\{?|[^ \t\r\n;{}"'#\\$])` + TOKEN_REST), lineBreaks: true },
    // An unterminated quote, or a backslash as the last character of the file.
    eofInToken: { match: /["'\\][^]*/, lineBreaks: true },
  },
  // After a closing quote nginx sets need_space: only whitespace, `;`, `{` or `)` may follow.
  afterQuote: {
    ws: { match: /[ \t\r\n]+/, lineBreaks: true, next: 'main' },
    semi: { match: ';', next: 'main' },
    lbrace: { match: '{', next: 'main' },
    word: { match: new RegExp(String.raw`\)` + TOKEN_REST), lineBreaks: true, next: 'main' },
    badAfterQuote: { match: /[^]/, lineBreaks: true },
  },
});

/** A lexer failure carrying nginx's own wording; run-grammar.ts reports `message` at the token. */
function fail(message: string, line: number, col: number): never {
  const err = new Error(message) as Error & { token: unknown };
  err.token = { text: ' ', value: ' ', line, col, message };
  throw err;
}

let source = '';
let depth = 0;
let pendingArgs = 0;

function endOfFile(): { line: number; col: number } {
  const lines = source.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

// Drops whitespace and comments, and turns an end of file inside a directive, a quote or a block into
// nginx's messages (ngx_conf_read_token: "unexpected end of file, expecting ..."; ngx_conf_parse).
const nginxLexer = {
  reset(chunk: string, info?: moo.LexerState) {
    source = chunk;
    depth = 0;
    pendingArgs = 0;
    lexer.reset(chunk, info);
  },
  save: () => lexer.save(),
  formatError: (t: moo.Token, message?: string) => lexer.formatError(t, message),
  has: (name: string) => lexer.has(name),
  next(): moo.Token | undefined {
    for (;;) {
      const t = lexer.next();
      if (t === undefined) {
        const end = endOfFile();
        if (pendingArgs > 0) fail('unexpected end of file, expecting ";" or "}"', end.line, end.col);
        if (depth > 0) fail('unexpected end of file, expecting "}"', end.line, end.col);
        return undefined;
      }
      switch (t.type) {
        case 'ws':
        case 'comment':
          continue;
        case 'eofInToken': {
          const end = endOfFile();
          fail('unexpected end of file, expecting ";" or "}"', end.line, end.col);
          break;
        }
        case 'badAfterQuote':
          fail(`unexpected "${t.text}"`, t.line, t.col);
          break;
        case 'lbrace':
          depth++;
          pendingArgs = 0;
          break;
        case 'rbrace':
          depth--;
          pendingArgs = 0;
          break;
        case 'semi':
          pendingArgs = 0;
          break;
        default:
          pendingArgs++;
      }
      return t;
    }
  },
};

// Builds the word as ngx_conf_read_token copies it: \" \' \\ become the character, \t \r \n become
// TAB, CR, LF, and any other backslash is kept.
function unescape(text: string): string {
  return text.replace(/\\(["'\\trn])/g, (_m: string, c: string) =>
    c === 't' ? '\t' : c === 'r' ? '\r' : c === 'n' ? '\n' : c,
  );
}

function toRaw(t: moo.Token): RawWord {
  const quoted = t.type === 'dquoted' || t.type === 'squoted';
  const text = unescape(quoted ? t.value.slice(1, -1) : t.value);
  return { text, line: t.line, col: t.col, quoted };
}
%}

@lexer nginxLexer

main -> statement:* {% (d) => d[0] %}

statement ->
    word args %semi {% (d): RawDirective => ({ name: d[0], args: d[1] }) %}
  | word args %lbrace statement:* %rbrace {% (d): RawDirective => ({ name: d[0], args: d[1], block: d[3] }) %}

args -> word:* {% (d) => d[0] %}

word -> %word {% (d) => toRaw(d[0]) %}
  | %dquoted {% (d) => toRaw(d[0]) %}
  | %squoted {% (d) => toRaw(d[0]) %}
