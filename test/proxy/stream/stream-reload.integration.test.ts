import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Metrics } from '../../../src/admin/metrics/metrics.js';
import { SystemClock } from '../../../src/core/clock.js';
import { createMemoryLogger } from '../../../src/core/logger.js';
import { StreamService, type StreamServerSpec } from '../../../src/proxy/stream/stream-service.js';
import { STREAM_DEFAULTS } from '../../../src/proxy/stream/types.js';
import { serverParams } from '../../../src/proxy/upstream/params.js';
import roundRobinPlugin from '../../../plugins/balancer-round-robin/index.js';
import { freePort } from '../../helpers/nginx-process.js';
import { connectGreeted, namedBackend, type NamedBackend } from '../../helpers/tcp-backends.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function spec(port: number, upstream: string, backends: readonly NamedBackend[]): StreamServerSpec {
  return {
    ...STREAM_DEFAULTS,
    listen: { host: '127.0.0.1', port },
    upstream: {
      name: upstream,
      method: 'round_robin',
      servers: backends.map((b) => serverParams(`127.0.0.1:${b.port}`)),
    },
  };
}

function service(): StreamService {
  const s = new StreamService({
    log: createMemoryLogger().logger,
    clock: new SystemClock(),
    random: Math.random,
    strategy: (m) => (m === 'round_robin' ? roundRobinPlugin : undefined),
    metrics: new Metrics({ processMetrics: false }),
  });
  cleanups.push(() => s.stop(AbortSignal.timeout(1000)));
  return s;
}

describe('stream reload', () => {
  it('keeps the listening socket, sends new sessions to the new upstream, lets running ones finish', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const port = await freePort();
    const svc = service();
    await svc.start([spec(port, 'old', [a])]);
    const before = svc.listeners()[0];
    const running = await connectGreeted(port);
    assert.equal(running.greeting, 'a');
    await svc.reload([spec(port, 'new', [b])]);
    assert.equal(svc.listeners()[0], before, 'the same listener object and socket');
    const next = await connectGreeted(port);
    assert.equal(next.greeting, 'b');
    // The session started before the reload still talks to a.
    const echoed = new Promise<string>((r) => running.socket.once('data', (d) => r(d.toString())));
    running.socket.write('still here\n');
    assert.equal(await echoed, 'still here\n');
    running.socket.destroy();
    next.socket.destroy();
  });

  it('binds a new address and releases a removed one', async () => {
    const [a] = await Promise.all([namedBackend('a')]);
    cleanups.push(() => a.close());
    const [p1, p2] = [await freePort(), await freePort()];
    const svc = service();
    await svc.start([spec(p1, 'u', [a])]);
    await svc.reload([spec(p2, 'u', [a])]);
    assert.equal((await connectGreeted(p2)).greeting, 'a');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await connectGreeted(p1)).greeting, '', 'the removed address no longer accepts');
  });

  it('leaves the running config untouched when a new address cannot be bound', async () => {
    const [a, b] = await Promise.all([namedBackend('a'), namedBackend('b')]);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const port = await freePort();
    const svc = service();
    await svc.start([spec(port, 'u', [a])]);
    // b's own port is taken, so listening on it fails.
    await assert.rejects(svc.reload([spec(port, 'u', [b]), spec(b.port, 'u', [b])]), {
      code: 'EADDRINUSE',
      message: /^bind\(\) to 127\.0\.0\.1:\d+ failed \(98: Address already in use\)$/,
    });
    assert.equal((await connectGreeted(port)).greeting, 'a');
    assert.equal(svc.listeners().length, 1);
  });
});
