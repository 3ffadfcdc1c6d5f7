import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import { VrrpMachine } from '../../../plugins/vrrp/machine.js';
import type { VrrpEffect } from '../../../plugins/vrrp/types.js';

/** A clock whose timers fire up to a millisecond before they are due, as Node's can. */
class EarlyClock implements Clock {
  readonly inner = new VirtualClock(1000);
  now(): number {
    return this.inner.now();
  }
  wallNow(): number {
    return this.inner.wallNow();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    // Early, as Node can be, but never by the whole delay (that would be no timer at all).
    return this.inner.setTimeout(fn, ms >= 1 ? Math.trunc(ms) - 0.5 : ms);
  }
  clearTimeout(h: TimerHandle): void {
    this.inner.clearTimeout(h);
  }
}

describe('VrrpMachine on a real event loop', () => {
  it('still takes over when the Master_Down timer fires slightly early', () => {
    const clock = new EarlyClock();
    const states: string[] = [];
    const machine = new VrrpMachine(
      {
        instances: [
          {
            name: 'VI_1',
            vrid: 51,
            version: 2,
            family: 'ipv4',
            interface: 'eth0',
            priority: 150,
            initialState: 'BACKUP',
            advertIntMs: 1000,
            preempt: true,
            vips: [{ address: '198.51.100.10', prefixLength: 24 }],
            sourceAddress: '198.51.100.1',
          },
        ],
      },
      clock,
      (e: VrrpEffect) => {
        if (e.type === 'state-changed') states.push(`${e.to}@${clock.now().toFixed(3)}`);
      },
    );
    machine.start();
    clock.inner.advance(10_000);
    machine.kill();
    // Master_Down_Interval for priority 150: 3 × 1 s + (256 − 150)/256 s = 3414.0625 ms after start.
    // A real event loop cannot be exact to the microsecond; it must not lose the takeover.
    assert.equal(states[0], 'BACKUP@1000.000');
    const master = /^MASTER@([\d.]+)$/.exec(states[1] ?? '');
    assert.ok(master, `no takeover: ${states.join(', ')}`);
    const at = Number(master[1]);
    assert.ok(at >= 4414.062 && at <= 4415.062, `took over at ${at}`);
  });
});
