import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock } from '../../src/core/clock.js';
import { EventBus } from '../../src/core/events.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { WritableSignal, sameTrackerState, type TrackerState } from '../../src/core/signal.js';

describe('Signal', () => {
  it('tells subscribers only when the value changes', () => {
    const s = new WritableSignal<TrackerState>({ up: true, reason: 'init' }, sameTrackerState);
    const seen: string[] = [];
    s.subscribe((next, prev) => seen.push(`${prev.up}->${next.up} (${next.reason})`));
    s.set({ up: true, reason: 'still fine' });
    s.set({ up: false, reason: 'exited with status 1' });
    s.set({ up: false, reason: 'exited with status 2' });
    s.set({ up: true, reason: 'succeeded' });
    assert.deepEqual(seen, ['true->false (exited with status 1)', 'false->true (succeeded)']);
  });

  it('stops telling a listener once it unsubscribes', () => {
    const s = new WritableSignal(0);
    let calls = 0;
    const off = s.subscribe(() => calls++);
    s.set(1);
    off();
    s.set(2);
    assert.equal(calls, 1);
  });
});

describe('EventBus', () => {
  it('isolates a throwing listener: it is logged, the others still run', () => {
    const { logger, records } = createMemoryLogger();
    const bus = new EventBus(logger);
    const got: boolean[] = [];
    bus.on('config.reloaded', () => {
      throw new Error('dashboard broke');
    });
    bus.on('config.reloaded', (e) => got.push(e.ok));
    bus.emit('config.reloaded', { ok: true, errors: 0 });
    assert.deepEqual(got, [true]);
    assert.ok(records.some((r) => r.level === 'error' && r.msg.includes('dashboard broke')));
  });
});

describe('VirtualClock', () => {
  it('fires timers in due order, including timers started by timers, without real waiting', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 12);
    clock.clearTimeout(cancelled);
    clock.advance(100);
    assert.deepEqual(fired, ['a@10', 'c@15', 'b@20']);
    assert.equal(clock.now(), 100);
  });
});
