import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LocationMatcher } from '../../../src/proxy/http/location-match.js';
import type { LocationMatchKind } from '../../../src/proxy/http/types.js';

function matcher(spec: [LocationMatchKind, string, string][]): LocationMatcher<string> {
  const { matcher: m, diagnostics } = LocationMatcher.build(
    spec.map(([match, path, value]) => ({ match, path, value })),
  );
  assert.deepEqual(diagnostics, []);
  return m;
}

describe('nginx location selection', () => {
  // The example of the nginx `location` documentation, with its stated answers.
  const docs = matcher([
    ['=', '/', 'A'],
    ['prefix', '/', 'B'],
    ['prefix', '/documents/', 'C'],
    ['^~', '/images/', 'D'],
    ['~*', '\\.(gif|jpg|jpeg)$', 'E'],
  ]);
  const table: [string, string][] = [
    ['/', 'A'],
    ['/index.html', 'B'],
    ['/documents/document.html', 'C'],
    ['/images/1.gif', 'D'],
    ['/documents/1.jpg', 'E'],
    ['/documents/1.JPG', 'E'],
  ];
  for (const [uri, want] of table) {
    it(`${uri} -> ${want}`, () => {
      assert.equal(docs.find(uri), want);
    });
  }

  it('uses the longest prefix, and ^~ stops only when it is the longest', () => {
    const m = matcher([
      ['^~', '/a/', 'stop'],
      ['prefix', '/a/b/', 'long'],
      ['~', '\\.jpg$', 're'],
    ]);
    assert.equal(m.find('/a/x.jpg'), 'stop');
    assert.equal(m.find('/a/b/x.jpg'), 're');
    assert.equal(m.find('/a/b/x.png'), 'long');
  });

  it('tries regexes in config order, ~ case-sensitively and ~* not', () => {
    const m = matcher([
      ['prefix', '/', 'root'],
      ['~', '^/api/v1', 'first'],
      ['~*', '^/API', 'second'],
    ]);
    assert.equal(m.find('/api/v1/x'), 'first');
    assert.equal(m.find('/API/v1/x'), 'second');
    assert.equal(m.find('/Api/v2'), 'second');
    assert.equal(m.find('/other'), 'root');
  });

  it('answers nothing when no location matches (nginx then serves 404)', () => {
    const m = matcher([['prefix', '/app/', 'app']]);
    assert.equal(m.find('/other'), undefined);
    assert.equal(m.find('/app'), undefined);
  });

  it('accepts PCRE named groups and reports a bad regex as a diagnostic', () => {
    const { matcher: m, diagnostics } = LocationMatcher.build([
      { match: '~', path: '^/u/(?P<id>\\d+)$', value: 'user' },
      { match: '~', path: '([', value: 'bad' },
    ]);
    assert.equal(m.find('/u/42'), 'user');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]?.message ?? '', /pcre_compile\(\) failed/);
  });
});
