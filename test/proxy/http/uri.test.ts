import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { normalizePath, parseTarget, upstreamUri } from '../../../src/proxy/http/uri.js';

describe('request URI handling', () => {
  it('normalizes $uri as nginx does', () => {
    assert.equal(normalizePath('/a//b/./c/../d'), '/a/b/d');
    assert.equal(normalizePath('/a/%41%20b'), '/a/A b');
    assert.equal(normalizePath('/a/b/..'), '/a/');
    assert.equal(normalizePath('/../etc'), undefined);
    assert.equal(normalizePath('/%zz'), undefined);
    assert.deepEqual(parseTarget('/x?y=1&z'), { uri: '/x', args: 'y=1&z' });
  });

  it('passes the original URI when proxy_pass has no URI part', () => {
    assert.equal(upstreamUri('/e2/a%20b?q=1', '/e2/a b', 'q=1', '/e2/', true, undefined), '/e2/a%20b?q=1');
  });

  it('replaces the matched prefix with the URI part', () => {
    assert.equal(upstreamUri('/e2/a?b', '/e2/a', 'b', '/e2/', true, '/x/'), '/x/a?b');
    assert.equal(upstreamUri('/e2/', '/e2/', '', '/e2/', true, '/'), '/');
    assert.equal(upstreamUri('/app/v1', '/app/v1', '', '/app', true, '/backend'), '/backend/v1');
    assert.equal(upstreamUri('/e2/a%20b', '/e2/a b', '', '/e2/', true, '/x/'), '/x/a%20b');
  });

  it('ignores a URI part for regex locations (nginx refuses it at config time)', () => {
    assert.equal(upstreamUri('/img/1.png', '/img/1.png', '', '\\.png$', false, '/x/'), '/img/1.png');
  });
});
