import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Model } from '../../src/config/model/index.js';
import { SystemClock, seededRandom } from '../../src/core/clock.js';
import { TandemError } from '../../src/core/errors.js';
import { EventBus } from '../../src/core/events.js';
import { Kernel } from '../../src/core/kernel.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { Service, ServicePlugin } from '../../src/core/plugin.js';
import { PluginRegistry } from '../../src/core/registry.js';

const baseModel: Model = {
  tandem: {
    plugins: [],
    metrics: { native: true, keepalivedCompat: true, nginxCompat: true },
    log: { format: 'text', level: 'info' },
  },
};

type Journal = string[];

/** A service plugin that writes every hook call to a journal; `behaviour` makes hooks misbehave. */
function recorder(
  id: string,
  journal: Journal,
  opts: {
    requires?: string[];
    kind?: 'service' | 'tracker';
    failStart?: boolean;
    hangStart?: boolean;
    reloadInPlace?: boolean;
    slice?: (m: Model) => unknown;
    /** Give the service a drain hook that takes this long. */
    drainMs?: number;
  } = {},
): ServicePlugin {
  let instance = 0;
  return {
    id,
    kind: opts.kind ?? 'service',
    version: '1.0.0',
    api: '^1.0.0',
    ...(opts.requires ? { requires: opts.requires } : {}),
    select: opts.slice ?? (() => ({})),
    create(_ctx, config): Service {
      const n = ++instance;
      journal.push(`${id}#${n}.create ${JSON.stringify(config)}`);
      return {
        init: () => {
          journal.push(`${id}#${n}.init`);
        },
        start: async () => {
          journal.push(`${id}#${n}.start`);
          if (opts.failStart === true) throw new Error('port in use');
          if (opts.hangStart === true) await new Promise(() => undefined);
        },
        reload: (next) => {
          journal.push(`${id}#${n}.reload ${JSON.stringify(next)}`);
          return opts.reloadInPlace === true;
        },
        stop: () => {
          journal.push(`${id}#${n}.stop`);
        },
        ...(opts.drainMs === undefined
          ? {}
          : {
              drain: async () => {
                journal.push(`${id}#${n}.drain`);
                await new Promise((r) => setTimeout(r, opts.drainMs));
                journal.push(`${id}#${n}.drained`);
              },
            }),
      };
    },
  };
}

function kernelWith(plugins: ServicePlugin[], hookTimeoutMs = 2_000) {
  const registry = new PluginRegistry();
  for (const p of plugins) registry.register(p);
  const { logger, records } = createMemoryLogger();
  const kernel = new Kernel({
    registry,
    log: logger,
    bus: new EventBus(logger),
    clock: new SystemClock(),
    random: seededRandom(1),
    hookTimeoutMs,
  });
  return { kernel, records };
}

describe('kernel lifecycle', () => {
  it('inits everything before starting anything, requirements and trackers first, and stops in reverse', async () => {
    const j: Journal = [];
    const { kernel } = kernelWith([
      recorder('proxy', j),
      recorder('tracker.script', j, { kind: 'tracker' }),
      recorder('vrrp', j, { requires: ['proxy'] }),
    ]);
    await kernel.start(baseModel);
    await kernel.stop();
    assert.deepEqual(
      j.filter((l) => !l.includes('create')),
      [
        'tracker.script#1.init',
        'proxy#1.init',
        'vrrp#1.init',
        'tracker.script#1.start',
        'proxy#1.start',
        'vrrp#1.start',
        'vrrp#1.stop',
        'proxy#1.stop',
        'tracker.script#1.stop',
      ],
    );
  });

  it('drains every service in reverse start order, each to its end, before the first stop (graceful handover)', async () => {
    const j: Journal = [];
    const { kernel } = kernelWith([
      recorder('vrrp', j, { drainMs: 30 }),
      recorder('admin', j),
      recorder('proxy', j, { drainMs: 20 }),
    ]);
    await kernel.start(baseModel);
    await kernel.stop();
    assert.deepEqual(
      j.filter((l) => /drain|stop/.test(l)),
      [
        'proxy#1.drain',
        'proxy#1.drained',
        'vrrp#1.drain',
        'vrrp#1.drained',
        'proxy#1.stop',
        'admin#1.stop',
        'vrrp#1.stop',
      ],
    );
  });

  it('does not drain on a reload or a rollback: only a stop hands anything over', async () => {
    const j: Journal = [];
    const { kernel } = kernelWith([recorder('a', j, { drainMs: 1 }), recorder('b', j, { failStart: true })]);
    await assert.rejects(kernel.start(baseModel));
    assert.ok(!j.some((l) => l.includes('drain')), j.join(', '));
  });

  it('rolls back the started plugins in reverse order when one fails to start, naming it', async () => {
    const j: Journal = [];
    const { kernel } = kernelWith([
      recorder('a', j),
      recorder('b', j),
      recorder('c', j, { failStart: true }),
      recorder('d', j),
    ]);
    await assert.rejects(kernel.start(baseModel), (err: unknown) => {
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, 'TANDEM_ERR_HOOK_FAILED');
      assert.equal(err.pluginId, 'c');
      assert.match(err.message, /plugin "c" start failed: port in use/);
      return true;
    });
    const after = j.slice(j.indexOf('c#1.start') + 1);
    assert.deepEqual(after, ['b#1.stop', 'a#1.stop']);
    assert.equal(kernel.running.length, 0);
  });

  it('times out a hook that never finishes and rolls back', async () => {
    const j: Journal = [];
    const { kernel } = kernelWith([recorder('a', j), recorder('slow', j, { hangStart: true })], 50);
    await assert.rejects(kernel.start(baseModel), (err: unknown) => {
      assert.ok(err instanceof TandemError);
      assert.equal(err.code, 'TANDEM_ERR_HOOK_TIMEOUT');
      assert.equal(err.pluginId, 'slow');
      return true;
    });
    assert.deepEqual(j.slice(-1), ['a#1.stop']);
  });

  it('on reload leaves unchanged slices alone, reloads in place, and replaces a declining plugin new-then-old', async () => {
    const j: Journal = [];
    const version = (m: Model) => ({ v: m.tandem.pidFile ?? 'none' });
    const { kernel } = kernelWith([
      recorder('fixed', j),
      recorder('inplace', j, { slice: version, reloadInPlace: true }),
      recorder('replaced', j, { slice: version }),
    ]);
    await kernel.start(baseModel);
    j.length = 0;
    const actions = await kernel.reload({
      ...baseModel,
      tandem: { ...baseModel.tandem, pidFile: '/run/x.pid' },
    });
    assert.deepEqual(Object.fromEntries(actions), {
      fixed: 'unchanged',
      inplace: 'reloaded',
      replaced: 'replaced',
    });
    assert.deepEqual(j, [
      'inplace#1.reload {"v":"/run/x.pid"}',
      'replaced#1.reload {"v":"/run/x.pid"}',
      'replaced#2.create {"v":"/run/x.pid"}',
      'replaced#2.init',
      'replaced#2.start',
      'replaced#1.stop',
    ]);
    assert.deepEqual(
      kernel.running.map((r) => r.id),
      ['fixed', 'inplace', 'replaced'],
    );
  });

  it('starts a plugin a reload newly needs and stops one it no longer needs', async () => {
    const j: Journal = [];
    const onlyWithPid = (m: Model) => (m.tandem.pidFile === undefined ? undefined : {});
    const onlyWithoutPid = (m: Model) => (m.tandem.pidFile === undefined ? {} : undefined);
    const { kernel } = kernelWith([
      recorder('later', j, { slice: onlyWithPid }),
      recorder('sooner', j, { slice: onlyWithoutPid }),
    ]);
    await kernel.start(baseModel);
    const actions = await kernel.reload({ ...baseModel, tandem: { ...baseModel.tandem, pidFile: '/p' } });
    assert.deepEqual(Object.fromEntries(actions), { later: 'started', sooner: 'stopped' });
    assert.deepEqual(
      kernel.running.map((r) => r.id),
      ['later'],
    );
  });
});
