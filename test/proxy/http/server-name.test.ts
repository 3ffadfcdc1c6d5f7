import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { normalizeHost, VirtualHosts } from '../../../src/proxy/http/server-name.js';

describe('nginx server_name selection', () => {
  const v = new VirtualHosts<string>();
  v.add(['first.test'], 'first', false);
  v.add(['example.com', 'www.example.com'], 'exact', false);
  v.add(['*.example.com'], 'lead-short', false);
  v.add(['*.mail.example.com'], 'lead-long', false);
  v.add(['.example.org'], 'dot', false);
  v.add(['www.example.*'], 'trail', false);
  v.add(['~^(?P<user>[a-z]+)\\.example\\.net$'], 'regex1', false);
  v.add(['~^a'], 'regex2', false);
  v.add(['default.test'], 'default', true);
  const table: [string | undefined, string][] = [
    ['example.com', 'exact'],
    ['WWW.Example.COM', 'exact'],
    ['www.example.com.', 'exact'],
    ['www.example.com:8080', 'exact'],
    ['foo.example.com', 'lead-short'],
    ['a.mail.example.com', 'lead-long'],
    ['example.org', 'dot'],
    ['x.y.example.org', 'dot'],
    ['www.example.net', 'trail'],
    ['bob.example.net', 'regex1'],
    ['alpha.test', 'regex2'],
    ['unknown.test', 'default'],
    [undefined, 'default'],
  ];
  for (const [host, want] of table) {
    it(`${String(host)} -> ${want}`, () => {
      assert.equal(v.find(host), want);
    });
  }

  it('falls back to the first server of the address without default_server', () => {
    const w = new VirtualHosts<string>();
    w.add(['a.test'], 'a', false);
    w.add(['b.test'], 'b', false);
    assert.equal(w.find('zzz'), 'a');
    assert.equal(w.find(''), 'a');
  });

  it('keeps the first server for a duplicate name, with a warning', () => {
    const w = new VirtualHosts<string>();
    w.add(['a.test'], 'one', false);
    w.add(['a.test'], 'two', false);
    assert.equal(w.find('a.test'), 'one');
    assert.match(w.diagnostics[0]?.message ?? '', /conflicting server name "a.test"/);
  });

  it('normalizes Host values as $host', () => {
    assert.equal(normalizeHost('Example.COM:80'), 'example.com');
    assert.equal(normalizeHost('[::1]:8080'), '[::1]');
    assert.equal(normalizeHost('a.b.'), 'a.b');
  });
});
