import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { WritableSignal, sameTrackerState, type TrackerState } from '../../../src/core/signal.js';
import { reweightTrackerState } from '../../../src/core/track-weight.js';
import { signalLinkSource, type LinkSource } from '../../../plugins/track-interface/link-source.js';
import type { InterfaceTrackerParams } from '../../../plugins/track-interface/params.js';
import {
  InterfaceTrackerService,
  createInterfaceTrackerPlugin,
} from '../../../plugins/track-interface/plugin.js';
import { testContext } from '../track-script/helpers.js';

/** A link source the test drives by hand. */
class FakeLinks implements LinkSource {
  readonly state = new Map<string, boolean>();
  readonly fns = new Map<string, Set<(up: boolean) => void>>();
  get(ifname: string): boolean | undefined {
    return this.state.get(ifname);
  }
  subscribe(ifname: string, fn: (up: boolean) => void): () => void {
    const set = this.fns.get(ifname) ?? new Set();
    this.fns.set(ifname, set);
    set.add(fn);
    return () => set.delete(fn);
  }
  set(ifname: string, up: boolean): void {
    this.state.set(ifname, up);
    for (const fn of this.fns.get(ifname) ?? []) fn(up);
  }
}

async function track(interfaces: InterfaceTrackerParams[], links: FakeLinks) {
  const clock = new VirtualClock();
  const t = testContext(clock);
  const config = { interfaces, linkSource: links };
  const service = createInterfaceTrackerPlugin(() => config).create(t.ctx, config);
  assert.ok(service instanceof InterfaceTrackerService);
  await service.init();
  service.start();
  return { ...t, clock, service };
}

describe('tracker.interface (keepalived track_interface)', () => {
  it("weight 0: down means FAULT, with keepalived's Netlink lines", async () => {
    const links = new FakeLinks();
    links.state.set('eth1', true);
    const r = await track([{ name: 'eth1' }], links);
    const signal = r.trackers.get('interface', 'eth1');
    const edges: TrackerState[] = [];
    signal?.subscribe((s) => edges.push(s));
    assert.deepEqual(signal?.get(), { up: true, reason: 'link up', value: 1 });
    links.set('eth1', false);
    links.set('eth1', true);
    assert.deepEqual(
      edges.map((e) => e.up),
      [false, true],
    );
    assert.deepEqual(r.lines(), ['Netlink reports eth1 down', 'Netlink reports eth1 up']);
  });

  it('publishes the raw link; instances apply track_interface weights (+ while up, − while down, reverse)', async () => {
    const links = new FakeLinks();
    links.state.set('a', true);
    const r = await track([{ name: 'a' }], links);
    const signal = r.trackers.get('interface', 'a');
    assert.ok(signal !== undefined);
    // Three instances tracking the same link with `weight 10`, `weight -20`, `weight 5 reverse`.
    const w = () => [
      reweightTrackerState('health', signal.get(), 10, false).weight,
      reweightTrackerState('health', signal.get(), -20, false).weight,
      reweightTrackerState('health', signal.get(), 5, true).weight,
    ];
    assert.deepEqual(signal.get(), { up: true, reason: 'link up', value: 1 });
    assert.deepEqual(w(), [10, 0, -5]);
    links.set('a', false);
    assert.deepEqual(signal.get(), { up: false, reason: 'link down', value: 0 });
    assert.deepEqual(w(), [0, -20, 0]);
  });

  it('interface_up_down_delays hold a change until it lasts', async () => {
    const links = new FakeLinks();
    links.state.set('eth2', true);
    const r = await track([{ name: 'eth2', downDelay: 2000, upDelay: 500 }], links);
    const signal = r.trackers.get('interface', 'eth2');
    assert.ok(signal !== undefined);
    links.set('eth2', false);
    r.clock.advance(1999);
    links.set('eth2', true);
    r.clock.advance(5000);
    assert.equal(signal.get().up, true);
    assert.deepEqual(r.lines(), []);
    links.set('eth2', false);
    r.clock.advance(2000);
    assert.equal(signal.get().up, false);
    links.set('eth2', true);
    r.clock.advance(499);
    assert.equal(signal.get().up, false);
    r.clock.advance(1);
    assert.equal(signal.get().up, true);
  });

  it('refuses an interface that does not exist', async () => {
    const r = await track([{ name: 'eth9' }], new FakeLinks());
    assert.equal(r.trackers.get('interface', 'eth9'), undefined);
    assert.deepEqual(r.lines(), ["tracked interface eth9 doesn't exist"]);
  });
});

describe('signalLinkSource (adapting a per-interface signal monitor)', () => {
  it('forwards state and edges, and the tracker can leave the Netlink line to the monitor', async () => {
    const sig = new WritableSignal<TrackerState>({ up: true, reason: 'up' }, sameTrackerState);
    const source = signalLinkSource({
      isUp: (n) => (n === 'eth3' ? sig.get().up : undefined),
      signal: () => sig,
    });
    const clock = new VirtualClock();
    const t = testContext(clock);
    const service = new InterfaceTrackerService(t.ctx, {
      interfaces: [{ name: 'eth3' }, { name: 'eth4' }],
      linkSource: source,
      logNetlink: false,
    });
    await service.init();
    service.start();
    sig.set({ up: false, reason: 'down' });
    assert.equal(t.trackers.get('interface', 'eth3')?.get().up, false);
    assert.deepEqual(t.lines(), ["tracked interface eth4 doesn't exist"]);
  });
});
