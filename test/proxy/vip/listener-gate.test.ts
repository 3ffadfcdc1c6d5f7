import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock } from '../../../src/core/clock.js';
import { EventBus } from '../../../src/core/events.js';
import { createMemoryLogger } from '../../../src/core/logger.js';
import type { TrackerState } from '../../../src/core/signal.js';
import { ListenerGate, type GatedListener } from '../../../src/proxy/vip/listener-gate.js';

/** A listener whose bind outcome the test decides: ok, or a socket error code. */
class FakeListener implements GatedListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  bound = false;
  accepts = { count: 0, last: undefined as unknown };
  /** The error the next binds fail with (undefined: they succeed). */
  failWith: string | undefined;
  binds = 0;

  constructor(host: string, port: number, kind = 'http') {
    this.host = host;
    this.port = port;
    this.name = `${kind}:${host}:${port}`;
  }

  bind(): Promise<void> {
    this.binds++;
    if (this.failWith !== undefined)
      return Promise.reject(Object.assign(new Error(this.failWith), { code: this.failWith }));
    this.bound = true;
    return Promise.resolve();
  }

  release(): void {
    this.bound = false;
  }

  listening(): boolean {
    return this.bound;
  }

  acceptErrors(): { count: number; last: unknown } {
    return this.accepts;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function rig(nonlocal = { ipv4: false, ipv6: false }) {
  const { logger, records } = createMemoryLogger('info');
  const bus = new EventBus(logger);
  const clock = new VirtualClock();
  const held = new Set<string>();
  const fd: { problem: string | undefined } = { problem: undefined };
  const gate = new ListenerGate({
    bus,
    log: logger,
    clock,
    owners: new Map([
      ['198.51.100.100', ['VI_1']],
      ['198.51.100.200', ['VI_2']],
    ]),
    nonlocal,
    intervalMs: 2000,
    portHeld: (host, port) => held.has(`${host}:${port}`),
    fdProblem: () => fd.problem,
  });
  gate.start();
  const state = (instance: string, to: string) => {
    bus.emit('vrrp.state_changed', { instance, from: '', to, priority: 100 });
  };
  const seen: TrackerState[] = [];
  gate.healthOf('VI_1').subscribe((s) => seen.push(s));
  const lines = () => records.map((r) => r.msg);
  return { gate, bus, clock, held, fd, state, seen, lines };
}

describe('ListenerGate: listeners on VIPs follow VRRP', () => {
  it('binds a VIP listener on MASTER and releases it once the VIPs are gone after BACKUP, FAULT and STOP', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    assert.equal(l.bound, false, 'not bound while the instance is not MASTER');
    for (const leave of ['BACKUP', 'FAULT', 'STOP']) {
      r.state('VI_1', 'MASTER');
      await settle();
      assert.equal(l.bound, true, 'bound as MASTER');
      r.state('VI_1', leave);
      assert.equal(l.bound, true, 'still serving while the VIP is on the interface');
      r.bus.emit('vrrp.vips_removed', { instance: 'VI_1' });
      assert.equal(l.bound, false, `released on ${leave} once the VIPs are removed`);
    }
    assert.ok(r.lines().includes('listening on http:198.51.100.100:80 as MASTER of VI_1'));
    assert.ok(
      r.lines().includes('(VI_1) releasing listener http:198.51.100.100:80: instance left MASTER (STOP)'),
    );
    assert.ok(r.lines().includes('released listener http:198.51.100.100:80'));
    assert.deepEqual(r.gate.status(l.name), { bound: false, follows: 'VI_1' });
    assert.deepEqual(r.seen, [], 'healthy throughout');
  });

  it('releases after a second when no vips_removed comes; MASTER again in between keeps the socket', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    r.state('VI_1', 'MASTER');
    await settle();
    r.state('VI_1', 'BACKUP');
    r.clock.advance(500);
    r.state('VI_1', 'MASTER');
    r.clock.advance(1000);
    assert.equal(l.bound, true, 'a quick return to MASTER cancels the release');
    assert.equal(l.binds, 1, 'and needs no new bind');
    r.state('VI_1', 'BACKUP');
    r.clock.advance(999);
    assert.equal(l.bound, true);
    r.clock.advance(1);
    assert.equal(l.bound, false);
  });

  it("another instance's MASTER does not bind it; a listener added while MASTER (a reload) binds at once", async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    r.state('VI_2', 'MASTER');
    await settle();
    assert.equal(l.bound, false);
    r.state('VI_1', 'MASTER');
    await settle();
    const successor = new FakeListener('198.51.100.100', 80);
    r.gate.add(successor);
    await settle();
    assert.equal(successor.bound, true);
  });

  it('waits for the VIP: EADDRNOTAVAIL is retried until the address is there', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    l.failWith = 'EADDRNOTAVAIL';
    r.state('VI_1', 'MASTER');
    await settle();
    r.clock.advance(10);
    await settle();
    assert.equal(l.bound, false);
    l.failWith = undefined;
    r.bus.emit('vrrp.vips_added', { instance: 'VI_1' });
    await settle();
    assert.equal(l.bound, true);
    assert.deepEqual(r.seen, [], 'waiting for the VIP is not a failure');
  });

  it('a VIP that never comes is a failure after the wait', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    l.failWith = 'EADDRNOTAVAIL';
    r.state('VI_1', 'MASTER');
    for (let t = 0; t < 5100; t += 10) {
      r.clock.advance(10);
      await settle();
    }
    assert.equal(r.seen.at(-1)?.up, false);
    assert.match(r.seen.at(-1)?.reason ?? '', /failed \(99: Cannot assign requested address\)/);
  });
});

describe('ListenerGate: the proxy health tracker', () => {
  it('goes down when a bind as MASTER fails, stays down as BACKUP while the port is held, and recovers', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    const other = new FakeListener('198.51.100.200', 80);
    r.gate.add(l);
    r.gate.add(other);
    const vi2: TrackerState[] = [];
    r.gate.healthOf('VI_2').subscribe((s) => vi2.push(s));
    l.failWith = 'EADDRINUSE';
    r.held.add('198.51.100.100:80');
    r.state('VI_1', 'MASTER');
    await settle();
    assert.equal(r.seen.length, 1);
    assert.deepEqual(r.seen[0], {
      up: false,
      reason:
        'listener http:198.51.100.100:80: bind() to 198.51.100.100:80 failed (98: Address already in use)',
      value: 0,
    });
    assert.equal(r.gate.overall.get().up, false);
    assert.deepEqual(vi2, [], "VI_2's listener is not concerned");
    // The tracker takes the instance out (FAULT, or BACKUP by weight): still down while held.
    r.state('VI_1', 'FAULT');
    r.clock.advance(6000);
    await settle();
    assert.equal(r.seen.length, 1, 'no flapping while the port is held');
    r.held.clear();
    l.failWith = undefined;
    r.clock.advance(2000);
    await settle();
    assert.equal(r.seen.at(-1)?.up, true, 'up once the port is free');
    r.state('VI_1', 'MASTER');
    await settle();
    assert.equal(l.bound, true);
  });

  it('a MASTER retries a failed bind every interval and recovers in place', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    r.gate.add(l);
    l.failWith = 'EACCES';
    r.state('VI_1', 'MASTER');
    await settle();
    assert.equal(r.seen.at(-1)?.up, false);
    assert.match(r.seen.at(-1)?.reason ?? '', /\(13: Permission denied\)/);
    l.failWith = undefined;
    r.clock.advance(2000);
    await settle();
    assert.equal(l.bound, true);
    assert.equal(r.seen.at(-1)?.up, true);
    assert.ok(r.lines().includes('listening on http:198.51.100.100:80 as MASTER of VI_1 again'));
  });

  it('with ip_nonlocal_bind a VIP listener is bound from the start and its loss is noticed', async () => {
    const r = rig({ ipv4: true, ipv6: true });
    const l = new FakeListener('198.51.100.100', 80);
    l.bound = true; // the proxy bound it at start
    r.gate.add(l);
    r.state('VI_1', 'BACKUP');
    assert.equal(l.bound, true, 'stays bound as BACKUP');
    assert.deepEqual(r.gate.status(l.name), { bound: true, follows: null });
    l.bound = false;
    r.clock.advance(2000);
    await settle();
    assert.equal(r.seen.at(-1)?.up, false);
  });

  it('a wildcard listener serves every instance of its family', async () => {
    const r = rig({ ipv4: true, ipv6: true });
    const l = new FakeListener('0.0.0.0', 80);
    l.bound = true;
    r.gate.add(l);
    const vi2: TrackerState[] = [];
    r.gate.healthOf('VI_2').subscribe((s) => vi2.push(s));
    l.bound = false;
    r.clock.advance(2000);
    await settle();
    assert.equal(r.seen.at(-1)?.up, false);
    assert.equal(vi2.at(-1)?.up, false);
  });

  it('an unregistered listener no longer counts; a re-read keepalived.conf re-decides modes', async () => {
    const r = rig();
    const l = new FakeListener('198.51.100.100', 80);
    const off = r.gate.add(l);
    l.failWith = 'EADDRINUSE';
    r.state('VI_1', 'MASTER');
    await settle();
    assert.equal(r.gate.overall.get().up, false);
    off();
    assert.equal(r.gate.overall.get().up, true);
    const m = new FakeListener('198.51.100.150', 80);
    r.gate.add(m);
    r.gate.setOwners(new Map([['198.51.100.150', ['VI_1']]]));
    await settle();
    assert.equal(m.bound, true, 'the new VIP of a MASTER instance binds');
  });

  it('a bound listener whose accept() fails (EMFILE) is down until a check sees no new failure', async () => {
    const r = rig({ ipv4: true, ipv6: true });
    const l = new FakeListener('198.51.100.100', 80);
    l.bound = true;
    r.gate.add(l);
    l.accepts = { count: 3, last: Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }) };
    r.clock.advance(2000);
    await settle();
    assert.deepEqual(r.seen.at(-1), {
      up: false,
      reason: 'listener http:198.51.100.100:80: accept() failed (24: Too many open files)',
      value: 0,
    });
    r.clock.advance(2000);
    await settle();
    assert.equal(r.seen.at(-1)?.up, true);
    assert.ok(r.lines().includes('listener http:198.51.100.100:80 accepts again'));
  });

  it('is down while the process has no descriptor left (libuv then drops every client silently)', async () => {
    const r = rig({ ipv4: true, ipv6: true });
    const l = new FakeListener('198.51.100.100', 80);
    l.bound = true;
    r.gate.add(l);
    r.fd.problem = 'file descriptors nearly exhausted (51 of 53 in use)';
    r.clock.advance(2000);
    await settle();
    assert.equal(
      r.seen.at(-1)?.reason,
      'listener http:198.51.100.100:80: file descriptors nearly exhausted (51 of 53 in use)',
    );
    r.fd.problem = undefined;
    r.clock.advance(2000);
    await settle();
    assert.equal(r.seen.at(-1)?.up, true);
  });
});
