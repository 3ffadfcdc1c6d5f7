import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock, type Clock, type TimerHandle } from '../../../src/index.js';
import { encodeAdvert } from '../../../plugins/vrrp/codec/encode.js';
import type { ReceivedVrrpPacket } from '../../../plugins/vrrp/codec/packet.js';
import { VrrpMachine } from '../../../plugins/vrrp/machine.js';
import type { VrrpEffect } from '../../../plugins/vrrp/types.js';
import { one } from './sim/helpers.js';

/**
 * A clock whose timers run `earlyMs` before their due time, as Node's do: they count whole
 * milliseconds of a per-turn cached clock, so `performance.now()` may be up to 1 ms short.
 */
class EarlyClock implements Clock {
  readonly inner = new VirtualClock();
  constructor(readonly earlyMs: number) {}
  now(): number {
    return this.inner.now();
  }
  wallNow(): number {
    return this.inner.wallNow();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, Math.max(0, ms - this.earlyMs));
  }
  clearTimeout(h: TimerHandle): void {
    this.inner.clearTimeout(h);
  }
}

const adverts = (effects: readonly VrrpEffect[]): number =>
  effects.filter((e) => e.type === 'send-advert').length;

describe('VrrpMachine timers on a real event loop', () => {
  it('a timer that runs early is re-armed for the rest, so a master keeps advertising', () => {
    const clock = new EarlyClock(0.6);
    const effects: VrrpEffect[] = [];
    const m = new VrrpMachine(
      one({ sourceAddress: '198.51.100.1', version: 3, advertIntMs: 100 }),
      clock,
      (e) => effects.push(e),
    );
    m.start();
    clock.inner.advance(400); // Master_Down 360.9 ms: master
    assert.equal(m.state.instances.VI_1?.state, 'MASTER');
    const before = adverts(effects);
    clock.inner.advance(1000);
    assert.equal(adverts(effects) - before, 10, 'one advert per 100 ms');
  });

  it('with deferTimer, a timer that expired while an advert was waiting is not fired', () => {
    const clock = new VirtualClock();
    const deferred: (() => void)[] = [];
    const effects: VrrpEffect[] = [];
    const m = new VrrpMachine(
      one({ sourceAddress: '198.51.100.2', version: 3, advertIntMs: 100 }),
      clock,
      (e) => effects.push(e),
      { deferTimer: (fire) => deferred.push(fire) },
    );
    m.start();
    clock.advance(400); // the Master_Down timer ran; its work waits for the deferral
    assert.equal(deferred.length, 1);
    // The advert that sat in the socket while the loop was stalled is read first (poll phase)...
    m.dispatch({ type: 'packet', packet: v3Advert('198.51.100.1', 150) });
    // ...then the deferred timer work runs (check phase): the timer was re-armed, so nothing happens.
    for (const f of deferred.splice(0)) f();
    assert.equal(m.state.instances.VI_1?.state, 'BACKUP');
    assert.equal(adverts(effects), 0);
  });
});

/** A v3 advert for VRID 51 at 100 ms as the socket would deliver it. */
function v3Advert(src: string, priority: number): ReceivedVrrpPacket {
  const payload = encodeAdvert({
    version: 3,
    vrid: 51,
    priority,
    advertInt: 10,
    addresses: ['198.51.100.100'],
    family: 'ipv4',
    src,
    dst: '224.0.0.18',
  });
  return { family: 'ipv4', interface: 'eth0', src, dst: '224.0.0.18', ttl: 255, payload };
}
