import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { after, describe, it } from 'node:test';
import { Metrics } from '../../../src/admin/metrics/metrics.js';
import { SystemClock } from '../../../src/core/clock.js';
import { EventBus } from '../../../src/core/events.js';
import { createMemoryLogger } from '../../../src/core/logger.js';
import { HttpProxy } from '../../../src/proxy/http/http-proxy.js';
import { StreamService } from '../../../src/proxy/stream/stream-service.js';
import { STREAM_DEFAULTS } from '../../../src/proxy/stream/types.js';
import { serverParams } from '../../../src/proxy/upstream/params.js';
import { ListenerGate } from '../../../src/proxy/vip/listener-gate.js';
import roundRobinPlugin from '../../../plugins/balancer-round-robin/index.js';
import { freePort } from '../../helpers/ports.js';
import { namedBackend } from '../../helpers/tcp-backends.js';
import { ret } from '../http/helpers/params.js';

// The proxies' wiring to the gate, on loopback: 127.0.0.7 plays the VIP (every 127/8 address is
// bindable, so what is tested is that the proxies bind and close when the gate says, not the kernel).
const VIP = '127.0.0.7';
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function rig() {
  const { logger } = createMemoryLogger();
  const bus = new EventBus(logger);
  const gate = new ListenerGate({
    bus,
    log: logger,
    clock: new SystemClock(),
    owners: new Map([[VIP, ['VI_1']]]),
    nonlocal: { ipv4: false, ipv6: false },
    intervalMs: 60_000,
  });
  gate.start();
  cleanups.push(() => {
    gate.stop();
  });
  const master = () => {
    bus.emit('vrrp.state_changed', { instance: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 100 });
    bus.emit('vrrp.vips_added', { instance: 'VI_1' });
  };
  const backup = () => {
    bus.emit('vrrp.state_changed', { instance: 'VI_1', from: 'MASTER', to: 'BACKUP', priority: 100 });
    bus.emit('vrrp.vips_removed', { instance: 'VI_1' });
  };
  return { gate, master, backup, logger };
}

/** The body from the VIP over a new connection, or the connection error code. */
function get(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: VIP, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    req.end();
  });
}

/** Polls `get` until it returns `want` (a bind is asynchronous), or fails after a second. */
async function expectBody(port: number, want: string): Promise<void> {
  const deadline = Date.now() + 1000;
  let got = await get(port);
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    got = await get(port);
  }
  assert.equal(got, want);
}

function httpProxy(text: string, port: number, logger: ReturnType<typeof rig>['logger']): HttpProxy {
  const { proxy } = HttpProxy.create({
    servers: [
      {
        listen: [{ host: VIP, port, defaultServer: false }],
        serverNames: [''],
        locations: [ret('prefix', '/', text)],
      },
    ],
    logger,
    pickerFor: () => undefined,
  });
  return proxy;
}

describe('HTTP and stream listeners behind the gate', () => {
  it('HTTP: bound only while MASTER, also across reloads in either state', async () => {
    const r = rig();
    const port = await freePort();
    const first = httpProxy('one', port, r.logger);
    await first.listen(undefined, r.gate);
    assert.equal(await get(port), 'ECONNREFUSED', 'not bound before MASTER');
    r.master();
    await expectBody(port, 'one');
    // A reload as MASTER takes the socket over: the new config answers.
    const second = httpProxy('two', port, r.logger);
    await second.listen(first, r.gate);
    void first.close(1000);
    await expectBody(port, 'two');
    r.backup();
    assert.equal(await get(port), 'ECONNREFUSED', 'closed once the VIPs are removed');
    // A reload as BACKUP binds nothing.
    const third = httpProxy('three', port, r.logger);
    await third.listen(second, r.gate);
    void second.close(1000);
    assert.equal(await get(port), 'ECONNREFUSED');
    r.master();
    await expectBody(port, 'three');
    r.backup();
    await third.close(1000);
    r.master();
    assert.equal(await get(port), 'ECONNREFUSED', 'a closed proxy is no longer bound by the gate');
  });

  it('stream: a listener on the VIP follows the instance; one on another address binds at start', async () => {
    const r = rig();
    const backend = await namedBackend('a');
    cleanups.push(() => backend.close());
    const [vipPort, localPort] = [await freePort(), await freePort()];
    const svc = new StreamService({
      log: r.logger,
      clock: new SystemClock(),
      random: Math.random,
      strategy: (m) => (m === 'round_robin' ? roundRobinPlugin : undefined),
      metrics: new Metrics({ processMetrics: false }),
      gate: () => r.gate,
    });
    cleanups.push(() => svc.stop(AbortSignal.timeout(1000)));
    const upstream = {
      name: 'u',
      method: 'round_robin',
      servers: [serverParams(`127.0.0.1:${backend.port}`)],
    };
    await svc.start([
      { ...STREAM_DEFAULTS, listen: { host: VIP, port: vipPort }, upstream },
      { ...STREAM_DEFAULTS, listen: { host: '127.0.0.1', port: localPort }, upstream },
    ]);
    const greet = (host: string, port: number) =>
      new Promise<string>((resolve) => {
        const s = createConnection({ host, port });
        s.setEncoding('utf8');
        s.once('data', (d: string) => {
          s.destroy();
          resolve(d.trim());
        });
        s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
    assert.equal(await greet('127.0.0.1', localPort), 'a');
    assert.equal(await greet(VIP, vipPort), 'ECONNREFUSED');
    assert.deepEqual(
      svc.status().listeners.map((l) => [l.port, l.bound, l.follows]),
      [
        [vipPort, false, 'VI_1'],
        [localPort, true, null],
      ],
    );
    r.master();
    const deadline = Date.now() + 1000;
    let got = await greet(VIP, vipPort);
    while (got !== 'a' && Date.now() < deadline) got = await greet(VIP, vipPort);
    assert.equal(got, 'a', 'bound once MASTER');
    r.backup();
    assert.equal(await greet(VIP, vipPort), 'ECONNREFUSED');
    assert.equal(await greet('127.0.0.1', localPort), 'a', 'the local listener is not concerned');
  });
});
