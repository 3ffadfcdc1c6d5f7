/**
 * `tandem -t` refuses a listen address the start could not bind, as `nginx -t` does by binding
 * (`bind() to ... failed (99: Cannot assign requested address)`), but accepts a VIP of a
 * vrrp_instance (bound when MASTER), a local address, a wildcard, and anything when
 * `ip_nonlocal_bind` is on for the family (src/proxy/vip/listen-check.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import '../../../src/config/readers.js';
import { fixedHost } from '../../../src/config/adapt/keepalived/host.js';
import { loadKeepalivedConfig } from '../../../src/config/keepalived.js';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { listenAddressDiagnostics, type ListenHost } from '../../../src/proxy/vip/listen-check.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-listen-check-'));
const nginx = join(dir, 'nginx.conf');
writeFileSync(
  nginx,
  `load_module /usr/lib/nginx/modules/ngx_stream_module.so;
events {}
http {
  upstream u { server 127.0.0.1:9; }
  server { listen 198.51.100.10:80; location / { proxy_pass http://u; } }
  server { listen 198.51.100.99:80; location / { proxy_pass http://u; } }
  server { listen [2001:db8::99]:80; location / { proxy_pass http://u; } }
  server { listen 203.0.113.5:80; listen 8080; location / { proxy_pass http://u; } }
}
stream {
  upstream s { server 127.0.0.1:9; }
  server { listen 198.51.100.98:5432; proxy_pass s; }
}
`,
);
const keepalived = join(dir, 'keepalived.conf');
writeFileSync(
  keepalived,
  `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  priority 100
  virtual_ipaddress {
    198.51.100.10/24
  }
}
`,
);
const host = (over: Partial<ListenHost> = {}): ListenHost => ({
  local: new Set(['127.0.0.1', '203.0.113.5']),
  nonlocal: { ipv4: false, ipv6: false },
  ...over,
});

describe('listen addresses on -t', () => {
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  // keepalived.conf read against a host that has eth0, so the test does not depend on this machine.
  const nginxModel = loadConfig({ nginxFile: nginx }).model;
  const k = loadKeepalivedConfig(keepalived, { host: fixedHost(['eth0']) }).model;
  const model = nginxModel === undefined || k === undefined ? undefined : { ...nginxModel, keepalived: k };

  it('names each address that is neither local nor a VIP, at its listen line', () => {
    assert.ok(model !== undefined);
    const lines = listenAddressDiagnostics(model, host()).map((d) => formatDiagnostic(d).replace(dir, 'DIR'));
    const why =
      'failed (99: Cannot assign requested address): the address is not on this host and no vrrp_instance ' +
      'has it as a VIP (add it to virtual_ipaddress, or set net.ipv4.ip_nonlocal_bind=1)';
    assert.deepEqual(lines, [
      `DIR/nginx.conf:6:12: bind() to 198.51.100.99:80 ${why}`,
      `DIR/nginx.conf:7:12: bind() to [2001:db8::99]:80 ${why}`,
      `DIR/nginx.conf:12:12: bind() to 198.51.100.98:5432 ${why}`,
    ]);
  });

  it('accepts them all where ip_nonlocal_bind is on for their family', () => {
    assert.ok(model !== undefined);
    const v4 = listenAddressDiagnostics(model, host({ nonlocal: { ipv4: true, ipv6: false } }));
    assert.deepEqual(
      v4.map((d) => d.message.split(' failed')[0]),
      ['bind() to [2001:db8::99]:80'],
    );
    assert.deepEqual(listenAddressDiagnostics(model, host({ nonlocal: { ipv4: true, ipv6: true } })), []);
  });
});
