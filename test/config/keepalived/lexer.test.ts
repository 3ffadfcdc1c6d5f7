/**
 * The lexical rules of keepalived's parser (reference/keepalived.md §2), one by one, on the
 * preprocessor pieces: decomment, brace split, the line grammar, script re-splitting,
 * definitions and sequences.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decomment, splitBrace } from '../../../src/config/parse/keepalived-decomment.js';
import { Definitions } from '../../../src/config/parse/keepalived-defs.js';
import { readKeepalivedLines } from '../../../src/config/parse/keepalived-lines.js';
import { splitScriptWords } from '../../../src/config/parse/keepalived-script-words.js';
import { parseLst, parseSeq } from '../../../src/config/parse/keepalived-seq.js';
import { tokenizeLine } from '../../../src/config/parse/keepalived-tree.js';

const loc = { file: 'x.conf', line: 3, col: 5 };
const words = (text: string): string[] => tokenizeLine({ text, loc }, []).map((w) => w.text);

describe('decomment', () => {
  it('cuts # and ! comments outside double quotes only', () => {
    assert.equal(decomment('  router_id a # c').text, 'router_id a');
    assert.equal(decomment('router_id a ! c').text, 'router_id a');
    assert.equal(decomment('router_id "a#b" # c').text, 'router_id "a#b"');
    assert.equal(decomment("router_id 'a#b'").text, "router_id 'a");
  });
  it('turns \\# and \\! outside quotes into the literal character', () => {
    assert.equal(decomment('router_id a\\#b\\!c').text, 'router_id a#b!c');
    assert.equal(decomment('router_id "a\\#b"').text, 'router_id "a\\#b"');
  });
  it('keeps a trailing backslash glued to the last word and reports an open quote', () => {
    assert.equal(decomment('virtual_router_id   \\').text, 'virtual_router_id\\');
    assert.equal(decomment('router_id "abc').unterminatedQuote, true);
    assert.equal(decomment('  x').offset, 2);
  });
});

describe('brace split', () => {
  it('makes { and } line breaks, outside double quotes', () => {
    assert.deepEqual(splitBrace('a { b }'), {
      head: { text: 'a', offset: 0 },
      rest: { text: '{ b }', offset: 2 },
    });
    assert.deepEqual(splitBrace('{ b }'), {
      head: { text: '{', offset: 0 },
      rest: { text: 'b }', offset: 2 },
    });
    assert.deepEqual(splitBrace('}'), { head: { text: '}', offset: 0 } });
    assert.deepEqual(splitBrace('a "{x}" b'), { head: { text: 'a "{x}" b', offset: 0 } });
  });
});

describe('line grammar (alloc_strvec_r)', () => {
  it('splits on blanks; only double quotes group and are removed', () => {
    assert.deepEqual(words('router_id "a b"'), ['router_id', 'a b']);
    assert.deepEqual(words("router_id 'a b'"), ['router_id', "'a", "b'"]);
    assert.deepEqual(words('a"b c"d'), ['a', 'b c', 'd']);
    assert.deepEqual(words('a\tb\fc'), ['a', 'b', 'c']);
  });
  it('stops at an unterminated quote and says so with the column', () => {
    const diags: Parameters<typeof tokenizeLine>[1] = [];
    assert.deepEqual(
      tokenizeLine({ text: 'router_id "abc', loc }, diags).map((w) => w.text),
      ['router_id'],
    );
    const first = diags[0];
    assert.ok(first);
    assert.equal(first.message, `Unmatched quote: 'router_id "abc'`);
    assert.equal(first.loc?.col, 15);
  });
  it('gives each word its column in the physical line', () => {
    const ws = tokenizeLine({ text: 'priority 100', loc }, []);
    assert.deepEqual(
      ws.map((w) => w.loc.col),
      [5, 14],
    );
  });
});

describe('script strings (alloc_strvec_quoted_escaped)', () => {
  it('groups with both quote kinds and decodes escapes', () => {
    assert.deepEqual(splitScriptWords(`/bin/echo 'a b' "c d" e\\ f`), {
      ok: true,
      words: ['/bin/echo', 'a b', 'c d', 'e f'],
    });
    assert.deepEqual(splitScriptWords('x \\x41\\102\\cA\\n'), { ok: true, words: ['x', 'AB\x01\n'] });
  });
  it('reports a missing closing quote as keepalived does', () => {
    assert.deepEqual(splitScriptWords("/bin/echo 'a"), {
      ok: false,
      message: "String '/bin/echo 'a': missing terminating '",
    });
  });
});

describe('definitions', () => {
  const defs = (): Definitions =>
    new Definitions({ pwd: () => '/etc/keepalived', instance: 'i1', random: () => 0 });
  it('expands $NAME before a blank or at the end, and ${NAME} anywhere', () => {
    const d = defs();
    assert.ok(d.define('$IF=eth0'));
    assert.equal(d.substitute('interface $IF').text, 'interface eth0');
    assert.equal(d.substitute('x ${IF}.1').text, 'x eth0.1');
    assert.equal(d.substitute('x $IF/32').changed, false);
    assert.equal(d.substitute('x $NOPE').text, 'x $NOPE');
  });
  it('expands recursively at use time, and never loops forever', () => {
    const d = defs();
    d.define('$A=${B}x');
    d.define('$B=y');
    assert.equal(d.substitute('$A').text, 'yx');
    d.define('$L=$L');
    assert.equal(d.substitute('$L').overflow, true);
  });
  it('has the predefined _HASH, _BANG, _PWD, _INSTANCE and _RANDOM', () => {
    const d = defs();
    assert.equal(
      d.substitute('${_HASH}${_BANG} ${_PWD} ${_INSTANCE} ${_RANDOM 5 9}').text,
      '#! /etc/keepalived i1 5',
    );
  });
});

describe('sequences', () => {
  it('~SEQ counts from start by step to end, ~SEQx in hex', () => {
    const r = parseSeq('~SEQ(i, 1, 2, 5) x$i');
    assert.ok(r.ok);
    assert.deepEqual(
      r.rounds.map((x) => x.bindings[0]?.[1]),
      ['1', '3', '5'],
    );
    const h = parseSeq('~SEQx(i, 9, 11) x');
    assert.ok(h.ok);
    assert.deepEqual(
      h.rounds.map((x) => x.bindings[0]?.[1]),
      ['9', 'a', 'b'],
    );
    assert.equal(parseSeq('~SEQ(i, 5, 1, 1) x').ok, false);
  });
  it('~LST binds one or several variables per round', () => {
    const r = parseLst('~LST({a,b},{1,2},{3,4}) $a $b');
    assert.ok(r.ok);
    assert.deepEqual(
      r.rounds.map((x) => x.bindings),
      [
        [
          ['a', '1'],
          ['b', '2'],
        ],
        [
          ['a', '3'],
          ['b', '4'],
        ],
      ],
    );
  });
});

describe('line reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-kalex-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const read = (text: string, id = 'n1'): string[] => {
    const f = join(dir, 'k.conf');
    writeFileSync(f, text);
    return readKeepalivedLines(f, { configId: id }).lines.map((l) => l.text);
  };
  it('applies @id / @^id against the config id', () => {
    assert.deepEqual(read('@n1 a\n@^n1 b\n@n2 c\n'), ['a']);
    assert.deepEqual(read('@n1 a\n@^n1 b\n', 'other'), ['b']);
  });
  it('re-injects the lines of a multi-line definition', () => {
    assert.deepEqual(read('$M= \\\n x 1 \\\n y 2\n\n$M\n'), ['x 1', 'y 2']);
  });
  it('strips CR and keeps line numbers for locations', () => {
    const f = join(dir, 'c.conf');
    writeFileSync(f, 'a\r\n\r\n  b { c }\r\n');
    const lines = readKeepalivedLines(f, { configId: 'n1' }).lines;
    assert.deepEqual(
      lines.map((l) => [l.text, l.loc.line, l.loc.col]),
      [
        ['a', 1, 1],
        ['b', 3, 3],
        ['{', 3, 5],
        ['c', 3, 7],
        ['}', 3, 9],
      ],
    );
  });
});
