/**
 * Reload in place and the graceful handover on the simulated LAN (issue 11 item 3): a MASTER stays
 * MASTER through a reload, changed parameters apply at once, removed instances stop, new ones
 * start; `resign` sends priority 0 and keeps the VIPs until shutdown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VrrpParams } from '../../../plugins/vrrp/params.js';
import type { VrrpEffect } from '../../../plugins/vrrp/types.js';
import { inst, one, settledPair } from './sim/helpers.js';

const A = '198.51.100.1';

const since = (effects: readonly { t: number; value: VrrpEffect }[], t: number) =>
  effects.filter((e) => e.t >= t).map((e) => e.value);

describe('VRRP reload in place', () => {
  it('a MASTER stays MASTER, advertises its new priority at once, and the backup keeps following it', () => {
    const { lan, ra, rb } = settledPair();
    const t = lan.clock.now();
    ra.machine.reconfigure(one({ sourceAddress: A, priority: 160, version: 3, advertIntMs: 100 }), {});
    const fx = since(ra.effects, t);
    assert.deepEqual(
      fx.filter((e) => e.type === 'state-changed'),
      [],
      'no transition',
    );
    const adverts = fx.filter((e) => e.type === 'send-advert');
    assert.equal(adverts.length, 1, 'one advert at once');
    assert.equal(adverts[0]?.type === 'send-advert' ? adverts[0].priority : 0, 160);
    lan.runUntil(t + 2000);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
    assert.equal(rb.stateOf('VI_1'), 'BACKUP');
    assert.equal(ra.machine.state.instances.VI_1?.effectivePriority, 160);
    assert.equal(
      since(ra.effects, t).filter((e) => e.type === 'send-advert' && e.priority === 0).length,
      0,
      'no priority-0 advert',
    );
  });

  it('VIPs added and removed on a MASTER apply in place: only the difference, then a GARP burst', () => {
    const { lan, ra } = settledPair();
    const t = lan.clock.now();
    const vips = [
      { address: '198.51.100.101', prefixLength: 24 },
      { address: '198.51.100.102', prefixLength: 24 },
    ];
    ra.machine.reconfigure(
      one({ sourceAddress: A, priority: 150, version: 3, advertIntMs: 100, vips: vips.slice(0, 1) }),
      {},
    );
    ra.machine.reconfigure(one({ sourceAddress: A, priority: 150, version: 3, advertIntMs: 100, vips }), {});
    const fx = since(ra.effects, t);
    assert.deepEqual(
      fx.flatMap((e) =>
        e.type === 'add-vips' || e.type === 'remove-vips' ? [[e.type, e.vips.map((v) => v.address)]] : [],
      ),
      [
        ['remove-vips', ['198.51.100.100']],
        ['add-vips', ['198.51.100.101']],
        ['add-vips', ['198.51.100.102']],
      ],
    );
    // keepalived re-sends a GARP burst for every VIP of a master on reload.
    const garps = fx.flatMap((e) => (e.type === 'send-garp' ? [e.addresses] : []));
    assert.deepEqual(garps, [['198.51.100.101'], ['198.51.100.101', '198.51.100.102']]);
    assert.equal(ra.stateOf('VI_1'), 'MASTER');
  });

  it('a removed instance stops gracefully and a new one starts in BACKUP (init)', () => {
    const { lan, ra, rb } = settledPair();
    const t = lan.clock.now();
    const next: VrrpParams = {
      instances: [
        inst({ name: 'VI_2', vrid: 52, sourceAddress: A, priority: 150, version: 3, advertIntMs: 100 }),
      ],
    };
    ra.machine.reconfigure(next, {});
    const fx = since(ra.effects, t);
    assert.ok(fx.some((e) => e.type === 'send-advert' && e.instance === 'VI_1' && e.priority === 0));
    assert.ok(fx.some((e) => e.type === 'remove-vips' && e.instance === 'VI_1'));
    assert.ok(fx.some((e) => e.type === 'notify' && e.name === 'VI_1' && e.state === 'FAULT'));
    assert.ok(ra.logs().some((l) => l.value === '(VI_2) Entering BACKUP STATE (init)'));
    lan.runUntil(t + 1000);
    assert.equal(rb.stateOf('VI_1'), 'MASTER', 'the peer takes over the removed router after the skew');
    assert.equal(ra.stateOf('VI_2'), 'MASTER');
  });

  it('an advert_int change on the master re-arms its advert timer on the new interval', () => {
    const { lan, ra } = settledPair();
    const t = lan.clock.now();
    ra.machine.reconfigure(one({ sourceAddress: A, priority: 150, version: 3, advertIntMs: 200 }), {});
    lan.runUntil(t + 1000);
    const times = ra
      .adverts('VI_1')
      .filter((r) => r.t >= t)
      .map((r) => r.t);
    const gaps = times.slice(1).map((x, i) => x - (times[i] ?? 0));
    assert.ok(gaps.length >= 3 && gaps.every((g) => Math.abs(g - 200) < 1e-6), `gaps ${gaps.join(',')}`);
  });
});

describe('VRRP graceful handover (resign)', () => {
  it('priority 0 with the VIPs kept; the backup takes over after its skew; shutdown then removes the VIPs once', () => {
    const { lan, ra, rb } = settledPair();
    const t = lan.clock.now();
    ra.machine.resign();
    let fx = since(ra.effects, t);
    assert.ok(fx.some((e) => e.type === 'send-advert' && e.priority === 0));
    assert.ok(!fx.some((e) => e.type === 'remove-vips'), 'VIPs kept while handing over');
    lan.runUntil(t + 500);
    assert.equal(rb.stateOf('VI_1'), 'MASTER');
    assert.equal(ra.stateOf('VI_1'), 'MASTER', 'the resigning master does not answer the new master');
    fx = since(ra.effects, t);
    assert.equal(fx.filter((e) => e.type === 'send-advert').length, 1, 'silent after priority 0');
    ra.machine.shutdown();
    fx = since(ra.effects, t);
    assert.equal(fx.filter((e) => e.type === 'send-advert').length, 1, 'no second priority 0');
    assert.equal(fx.filter((e) => e.type === 'remove-vips').length, 1);
    assert.ok(fx.some((e) => e.type === 'notify' && e.state === 'STOP'));
  });
});
