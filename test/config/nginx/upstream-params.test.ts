import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { implicitUpstreamOf, upstreamParamsOf } from '../../../src/config/adapt/nginx/upstream-params.js';
import { loadNginxConfig } from '../../../src/config/nginx.js';
import type { HostResolver } from '../../../src/config/adapt/nginx/resolve-host.js';

// A name that resolves to two IPv4 addresses and one IPv6 one, in a mixed order.
const resolver: HostResolver = (host) =>
  host === 'backend'
    ? ['2001:db8::5', '198.51.100.7', '198.51.100.8']
    : host === 'localhost'
      ? ['127.0.0.1']
      : [];

describe('nginx model → balancer input (src/proxy/upstream/params.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-params-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function load(text: string) {
    const file = join(dir, 'nginx.conf');
    writeFileSync(file, text);
    const r = loadNginxConfig(file, { resolveHost: resolver, defaultListenPort: 80 });
    assert.ok(r.model !== undefined, r.diagnostics.map((d) => d.message).join('\n'));
    return r.model;
  }

  it('makes one peer per resolved address, IPv4 first, sharing the line text and parameters', () => {
    const model = load(`events {}
http {
    upstream u { hash $request_uri consistent; server backend:8080 weight=3 max_fails=2 fail_timeout=5s; server 127.0.0.1:81 down; }
    server { listen 8080; location / { proxy_pass http://u; } }
}
`);
    const params = upstreamParamsOf(model.http!.upstreams[0]!);
    assert.equal(params.method, 'hash');
    assert.deepEqual(params.options, { key: '$request_uri', consistent: true });
    assert.deepEqual(
      params.servers.map((s) => [s.name, s.address, s.weight, s.maxFails, s.failTimeout, s.down]),
      [
        ['backend:8080', '198.51.100.7:8080', 3, 2, 5000, false],
        ['backend:8080', '198.51.100.8:8080', 3, 2, 5000, false],
        ['backend:8080', '[2001:db8::5]:8080', 3, 2, 5000, false],
        ['127.0.0.1:81', '127.0.0.1:81', 1, 1, 10000, true],
      ],
    );
  });

  it('builds the implicit upstream of proxy_pass http://host:port with nginx defaults', () => {
    const model = load(`events {}
http {
    server { listen 8080; location / { proxy_pass http://backend:9000/x/; } }
}
`);
    const pass = model.http!.servers[0]!.locations[0]!.proxyPass!;
    assert.equal(pass.uri, '/x/');
    assert.equal(pass.proxyHost, 'backend:9000');
    const params = implicitUpstreamOf(pass)!;
    assert.equal(params.method, 'round_robin');
    assert.deepEqual(
      params.servers.map((s) => [s.name, s.address, s.weight, s.maxFails, s.failTimeout]),
      [
        ['backend:9000', '198.51.100.7:9000', 1, 1, 10000],
        ['backend:9000', '198.51.100.8:9000', 1, 1, 10000],
        ['backend:9000', '[2001:db8::5]:9000', 1, 1, 10000],
      ],
    );
  });

  it('gives no implicit upstream for a named upstream', () => {
    const model = load(`events {}
http {
    upstream u { server 127.0.0.1:81; }
    server { listen 8080; location / { proxy_pass http://u; } }
}
`);
    assert.equal(implicitUpstreamOf(model.http!.servers[0]!.locations[0]!.proxyPass!), undefined);
  });
});
