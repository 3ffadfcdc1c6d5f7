import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/logger.js';
import { HttpProxy } from '../../../src/proxy/http/http-proxy.js';
import { loc, server } from './helpers/params.js';
import { roundRobinPicker } from './helpers/rr-picker.js';

describe('compiling server blocks', () => {
  const picker = roundRobinPicker('backend', [{ host: '127.0.0.1', port: 1 }]);

  it("reports nginx's messages for an unknown variable and an unknown upstream, without throwing", () => {
    const { diagnostics } = HttpProxy.create({
      logger: silentLogger,
      pickerFor: (t) => (t.upstream === 'backend' ? picker : undefined),
      servers: [
        server([
          loc({ setHeaders: [{ name: 'X-A', value: 'a $nosuch b' }] }),
          loc({ path: '/x/', proxyPass: { scheme: 'http', upstream: 'missing' } }),
          loc({ match: '~', path: '(' }),
        ]),
      ],
    });
    assert.deepEqual(
      diagnostics.map((d) => d.message.replace(/:.*in/, ': … in')),
      [
        'unknown "nosuch" variable',
        'host not found in upstream "missing"',
        'pcre_compile() failed: … in "("',
      ],
    );
    assert.ok(diagnostics.every((d) => d.severity === 'error'));
  });

  it('accepts the variables people use in proxy_set_header', () => {
    const values = [
      '$host',
      '$remote_addr',
      '$proxy_add_x_forwarded_for',
      '$scheme',
      '$proxy_host',
      '$http_x_real_ip',
      '${server_port}x',
      '$request_uri',
      '$uri',
    ];
    const { diagnostics } = HttpProxy.create({
      logger: silentLogger,
      pickerFor: () => picker,
      servers: [server([loc({ setHeaders: values.map((value, i) => ({ name: `X-${i}`, value })) })])],
    });
    assert.deepEqual(diagnostics, []);
  });
});
