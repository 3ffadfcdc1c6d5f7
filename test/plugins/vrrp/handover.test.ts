/**
 * The graceful handover's wait (plugins/vrrp/service/handover.ts) on a virtual clock: the old master
 * resigns, waits for another router's first non-zero advert on its virtual router, lingers for that
 * master's GARP, and never waits longer than its bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import type { ReceivedDatagram } from '../../../src/net/vrrp-socket.js';
import { encodeAdvert } from '../../../plugins/vrrp/codec/encode.js';
import { HANDOVER_LINGER_MS, HandoverWatch } from '../../../plugins/vrrp/service/handover.js';
import { VrrpMachine } from '../../../plugins/vrrp/machine.js';
import { one } from './sim/helpers.js';

const A = '198.51.100.1';
const B = '198.51.100.2';

/** A started master A (v3, 100 ms) on a virtual clock. */
function master(clock: VirtualClock): VrrpMachine {
  const m = new VrrpMachine(
    one({ sourceAddress: A, priority: 150, version: 3, advertIntMs: 100 }),
    clock,
    () => undefined,
  );
  m.start();
  clock.advance(1000);
  assert.equal(m.state.instances.VI_1?.state, 'MASTER');
  return m;
}

const advert = (src: string, vrid: number, priority: number): ReceivedDatagram => ({
  family: 'ipv4',
  interface: 'eth0',
  src,
  dst: '224.0.0.18',
  ttl: 255,
  ipHeader: undefined,
  payload: encodeAdvert({
    version: 3,
    family: 'ipv4',
    vrid,
    priority,
    advertInt: 10,
    addresses: ['198.51.100.100'],
    authType: 0,
    password: '',
    src,
    dst: '224.0.0.18',
    checksumForm: 'pseudo-header',
  }),
});

/** Lets promise callbacks run between clock steps. */
const flush = () => new Promise((r) => setImmediate(r));

describe('graceful handover wait', () => {
  it('resigns, ends at the new master’s first advert plus the linger, ignoring our own and others’ VRIDs', async () => {
    const clock = new VirtualClock();
    const m = master(clock);
    const watch = new HandoverWatch();
    const resign = { called: false };
    let done = false;
    const run = watch
      .run(m.state, clock, () => (resign.called = true), new AbortController().signal)
      .then((o) => {
        done = true;
        return o;
      });
    assert.ok(resign.called && watch.active);
    clock.advance(30);
    watch.observe(advert(A, 51, 150)); // our own advert, looped back
    watch.observe(advert(B, 52, 100)); // another virtual router
    watch.observe(advert(B, 51, 0)); // a priority-0 advert is nobody taking over
    assert.ok(watch.active);
    clock.advance(31);
    watch.observe(advert(B, 51, 100));
    assert.ok(!watch.active);
    await flush();
    clock.advance(HANDOVER_LINGER_MS - 1);
    await flush();
    assert.ok(!done, 'the VIP is kept for the linger');
    clock.advance(1);
    const outcome = await run;
    assert.deepEqual([...outcome.seen], [['VI_1', 61]]);
    assert.deepEqual(outcome.missed, []);
  });

  it('without a new master gives up after 4 advert intervals (beyond Master_Down_Interval), no linger', async () => {
    const clock = new VirtualClock();
    const m = master(clock);
    const watch = new HandoverWatch();
    let done = false;
    const run = watch
      .run(m.state, clock, () => undefined, new AbortController().signal)
      .then((o) => {
        done = true;
        return o;
      });
    clock.advance(399);
    await flush();
    assert.ok(!done);
    clock.advance(1);
    const outcome = await run;
    assert.deepEqual(outcome.missed, ['VI_1']);
    assert.ok(!watch.active);
  });

  it('a BACKUP has nothing to hand over', async () => {
    const clock = new VirtualClock();
    const m = new VrrpMachine(
      one({ sourceAddress: A, priority: 100, version: 3, advertIntMs: 100 }),
      clock,
      () => undefined,
    );
    m.start();
    let resigned = false;
    const outcome = await new HandoverWatch().run(
      m.state,
      clock,
      () => (resigned = true),
      new AbortController().signal,
    );
    assert.equal(resigned, false);
    assert.deepEqual([outcome.seen.size, outcome.missed], [0, []]);
  });
});
