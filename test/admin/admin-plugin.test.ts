import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAdminPlugin } from '../../plugins/admin/index.js';
import { Kernel } from '../../src/core/kernel.js';
import { PluginRegistry } from '../../src/core/registry.js';
import {
  EventBus,
  Metrics,
  SystemClock,
  createMemoryLogger,
  seededRandom,
  type Model,
} from '../../src/index.js';
import { FakeSource, TOKEN } from './fake-source.js';
import { parsePromText, valueOf } from './prom-text.js';

function model(admin: Model['tandem']['admin'], nginxCompat = true): Model {
  return {
    tandem: {
      plugins: [],
      ...(admin === undefined ? {} : { admin }),
      metrics: { native: true, keepalivedCompat: true, nginxCompat },
      log: { format: 'text', level: 'info' },
    },
  };
}

function boot() {
  const { logger, records } = createMemoryLogger();
  const bus = new EventBus(logger);
  const metrics = new Metrics({ processMetrics: false });
  const registry = new PluginRegistry();
  registry.register(createAdminPlugin({ metrics, source: () => new FakeSource() }));
  const kernel = new Kernel({
    registry,
    log: logger,
    bus,
    clock: new SystemClock(),
    random: seededRandom(1),
  });
  const port = () => {
    const line = records.map((r) => r.msg).find((m) => m.startsWith('admin server listening'));
    return Number(/:(\d+)\/$/.exec(line ?? '')?.[1]);
  };
  return { kernel, bus, records, port };
}

describe('admin plugin under the kernel', () => {
  it('runs only when an admin address is configured', async () => {
    const { kernel, records } = boot();
    await kernel.start(model(undefined));
    assert.equal(records.length, 0);
    await kernel.stop('test');
  });

  it('serves /metrics, follows config.reloaded, and applies a token and metric sets in place', async () => {
    const { kernel, bus, port } = boot();
    await kernel.start(model({ host: '127.0.0.1', port: 0 }));
    const url = `http://127.0.0.1:${port()}`;
    let m = parsePromText(await (await fetch(`${url}/metrics`)).text());
    assert.equal(valueOf(m, 'tandem_config_last_reload_successful'), 1);
    assert.equal(valueOf(m, 'nginx_up'), 1);
    bus.emit('config.reloaded', { ok: false, errors: 2 });
    m = parsePromText(await (await fetch(`${url}/metrics`)).text());
    assert.equal(valueOf(m, 'tandem_config_last_reload_successful'), 0);

    const actions = await kernel.reload(model({ host: '127.0.0.1', port: 0, token: TOKEN }, false));
    assert.equal(actions.get('admin'), 'reloaded');
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    m = parsePromText(await res.text());
    assert.equal(m.has('nginx_up'), false);
    await kernel.stop('test');
  });

  it('a public address without a token stops the start with a message naming it', async () => {
    const { kernel } = boot();
    await assert.rejects(
      kernel.start(model({ host: '0.0.0.0', port: 9 })),
      /refuses to listen on 0\.0\.0\.0:9/,
    );
  });
});
