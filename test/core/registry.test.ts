import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TandemError, type ErrorCode } from '../../src/core/errors.js';
import type { Plugin, ServicePlugin, StrategyPlugin } from '../../src/core/plugin.js';
import { PluginRegistry } from '../../src/core/registry.js';

const service = (id: string, extra: Partial<ServicePlugin> = {}): ServicePlugin => ({
  id,
  kind: 'service',
  version: '1.0.0',
  api: '^1.0.0',
  select: () => undefined,
  create: () => ({}),
  ...extra,
});

function refused(reg: PluginRegistry, plugin: Plugin, code: ErrorCode, message: RegExp): void {
  assert.throws(
    () => {
      reg.register(plugin);
    },
    (err: unknown) => err instanceof TandemError && err.code === code && message.test(err.message),
  );
}

describe('plugin registry', () => {
  it('refuses a plugin whose host API range this Tandem does not satisfy', () => {
    refused(
      new PluginRegistry('1.0.0'),
      service('x', { api: '^2.0.0' }),
      'TANDEM_ERR_PLUGIN_API_RANGE',
      /needs host API \^2\.0\.0/,
    );
  });

  it('refuses a plugin whose requirement is not registered', () => {
    refused(
      new PluginRegistry(),
      service('vrrp', { requires: ['tracker.script'] }),
      'TANDEM_ERR_PLUGIN_MISSING_REQUIREMENT',
      /requires "tracker\.script"/,
    );
  });

  it('refuses a duplicate id, a bad id, a bad version and a claimed directive', () => {
    const reg = new PluginRegistry();
    reg.register(service('a', { directives: ['vrrp_instance'] }));
    refused(reg, service('a'), 'TANDEM_ERR_PLUGIN_DUPLICATE', /already registered/);
    refused(reg, service('Bad Id'), 'TANDEM_ERR_PLUGIN_INVALID', /lowercase dotted/);
    refused(reg, service('b', { version: 'one' }), 'TANDEM_ERR_PLUGIN_INVALID', /semver version/);
    refused(
      reg,
      service('c', { directives: ['vrrp_instance'] }),
      'TANDEM_ERR_PLUGIN_DIRECTIVE_CLAIMED',
      /already owned by "a"/,
    );
    assert.deepEqual(reg.ids(), ['a']);
  });

  it('indexes strategies by balancing method and refuses a second one for the same method', () => {
    const reg = new PluginRegistry();
    const rr = {
      id: 'balancer.round_robin',
      kind: 'strategy',
      version: '1.0.0',
      api: '^1.0.0',
      method: 'round_robin',
    } as StrategyPlugin;
    reg.register(rr);
    assert.equal(reg.strategy('round_robin'), rr);
    refused(
      reg,
      { ...rr, id: 'balancer.other' },
      'TANDEM_ERR_PLUGIN_DUPLICATE',
      /already provided by "balancer\.round_robin"/,
    );
  });
});
