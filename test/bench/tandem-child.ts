/**
 * The Tandem side of the benchmark, as its own process so its CPU and RSS are measured alone:
 * `node tandem-child.js UPSTREAM_PORT` proxies 127.0.0.1:0 to the upstream with keep-alive
 * (`keepalive 64`, `proxy_http_version 1.1`, `Connection ""`) and prints the bound port.
 */
import { silentLogger } from '../../src/core/logger.js';
import { HttpProxy } from '../../src/proxy/http/http-proxy.js';
import { keepaliveParams } from '../../src/proxy/http/keepalive-pool.js';
import { loc } from '../proxy/http/helpers/params.js';
import { roundRobinPicker } from '../proxy/http/helpers/rr-picker.js';

const upstreamPort = Number(process.argv[2]);
const picker = roundRobinPicker(
  'backend',
  [{ host: '127.0.0.1', port: upstreamPort }],
  keepaliveParams(64),
  false,
);
const { proxy } = HttpProxy.create({
  logger: silentLogger,
  pickerFor: () => picker,
  servers: [
    {
      listen: [{ host: '127.0.0.1', port: 0, defaultServer: false }],
      serverNames: [''],
      locations: [
        loc({
          httpVersion: '1.1',
          setHeaders: [{ name: 'Connection', value: '' }],
        }),
      ],
    },
  ],
});
await proxy.listen();
process.stdout.write(`${proxy.addresses()[0]?.port ?? 0}\n`);
process.on('SIGTERM', () => {
  void proxy.close().then(() => process.exit(0));
});
