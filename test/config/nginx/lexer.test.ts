import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import grammar from '../../../src/config/parse/generated/nginx.generated.js';
import type { RawDirective } from '../../../src/config/parse/raw.js';
import { runGrammar } from '../../../src/config/parse/run-grammar.js';

function parse(text: string): RawDirective[] {
  const r = runGrammar<RawDirective[]>(grammar, text, 'f.conf');
  if (!r.ok) assert.fail(`unexpected failure: ${r.error.message}`);
  return r.value;
}

function words(text: string): string[][] {
  return parse(text).map((d) => [d.name.text, ...d.args.map((a) => a.text)]);
}

function failure(text: string): string {
  const r = runGrammar<RawDirective[]>(grammar, text, 'f.conf');
  if (r.ok) assert.fail(`expected ${JSON.stringify(text)} to fail`);
  return `${r.error.loc?.line}:${r.error.loc?.col} ${r.error.message}`;
}

// Each case below follows src/core/ngx_conf_file.c ngx_conf_read_token (reference/nginx.md §4).
describe('nginx lexer (ngx_conf_read_token)', () => {
  it('starts a comment only at the start of a token', () => {
    assert.deepEqual(words('a b#c; # comment ; {\nd;'), [['a', 'b#c'], ['d']]);
  });

  it('reads quotes only at the start of a token, and keeps an inner quote literal', () => {
    assert.deepEqual(words(`a "b c" 'd' e"f g'h;`), [['a', 'b c', 'd', 'e"f', "g'h"]]);
    assert.deepEqual(words('a "";'), [['a', '']]);
    assert.equal(parse('a "x";')[0]?.args[0]?.quoted, true);
  });

  it('lets quoted strings span lines and counts the lines', () => {
    const d = parse('a "one\ntwo";\nb;');
    assert.deepEqual(d[0]?.args[0]?.text, 'one\ntwo');
    assert.equal(d[1]?.name.line, 3);
  });

  it('unescapes \\" \\\' \\\\ \\t \\r \\n and keeps any other backslash', () => {
    assert.deepEqual(words(String.raw`a "\"\'\\\t\r\n\e" b\ c\;d;`), [['a', '"\'\\\t\r\n\\e', 'b\\ c\\;d']]);
  });

  it('keeps ${var} as one token and a } inside a token as text', () => {
    assert.deepEqual(words('a ${b}c d}e;'), [['a', '${b}c', 'd}e']]);
  });

  it('allows ) right after a closing quote, as `if ($a = "b")` needs', () => {
    assert.deepEqual(words('if ($a = "b") { }'), [['if', '($a', '=', 'b', ')']]);
  });

  it('refuses a character glued to a closing quote', () => {
    assert.equal(failure('a "http://u"x;'), '1:13 unexpected "x"');
    assert.equal(failure("a 'x'#;"), '1:6 unexpected "#"');
  });

  it("reports nginx's messages for stray and missing punctuation", () => {
    assert.equal(failure('}'), '1:1 unexpected "}"');
    assert.equal(failure(';'), '1:1 unexpected ";"');
    assert.equal(failure('{'), '1:1 unexpected "{"');
    assert.equal(failure('a b }'), '1:5 unexpected "}"');
  });

  it('reports the end of file inside a block, a directive, a quote and after a backslash', () => {
    assert.equal(failure('http {\n  a;\n'), '3:1 unexpected end of file, expecting "}"');
    assert.equal(failure('a b'), '1:4 unexpected end of file, expecting ";" or "}"');
    assert.equal(failure('a "b;\n'), '2:1 unexpected end of file, expecting ";" or "}"');
    assert.equal(failure('a b\\'), '1:5 unexpected end of file, expecting ";" or "}"');
  });

  it('accepts an empty file, comments only, and a quoted directive name', () => {
    assert.deepEqual(words(''), []);
    assert.deepEqual(words('# nothing\n'), []);
    assert.deepEqual(words('"worker_processes" 2;'), [['worker_processes', '2']]);
  });
});
