import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureFailover, measureHandover } from '../../../src/cli/net-demo/failover.js';
import { formatWindow } from '../../../src/cli/net-demo/report.js';
import { parseAdvertLine, parseRequestLine, Timeline } from '../../../src/cli/net-demo/timeline.js';

const LB1 = '198.51.100.1';
const LB2 = '198.51.100.2';

/** Adverts every 100 ms from `src` over [from, to]. */
function adverts(t: Timeline, src: string, from: number, to: number, priority = 150): void {
  for (let at = from; at <= to; at += 100) t.adverts.push({ time: at, src, priority });
}

/** One request every 10 ms over [from, to), answered by `backend` in 2 ms or failed with `detail`. */
function requests(t: Timeline, from: number, to: number, ok: boolean, detail: string, takesMs = 2): void {
  for (let at = from; at < to; at += 10) t.requests.push({ start: at, end: at + takesMs, ok, detail });
}

describe('net demo timeline', () => {
  it('parses the tcpdump -tt line of a VRRPv3 advert, priority 0 included', () => {
    const line =
      '1795223306.434622 IP 198.51.100.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 0, intvl 10cs, length 12';
    const a = parseAdvertLine(line);
    assert.ok(a !== undefined);
    assert.equal(a.src, LB1);
    assert.equal(a.priority, 0);
    assert.ok(Math.abs(a.time - 1795223306434.622) < 0.01);
    assert.equal(parseAdvertLine('tcpdump: listening on eth0, link-type EN10MB'), undefined);
  });

  it("parses the client's ok and fail lines and ignores anything else", () => {
    assert.deepEqual(parseRequestLine('ok 1000.5 1003.0 web2'), {
      ok: true,
      start: 1000.5,
      end: 1003,
      detail: 'web2',
    });
    assert.deepEqual(parseRequestLine('fail 1000.0 2000.0 ECONNREFUSED'), {
      ok: false,
      start: 1000,
      end: 2000,
      detail: 'ECONNREFUSED',
    });
    assert.equal(parseRequestLine('done'), undefined);
  });

  it('sums one window per backend, with the failures, the slowest request and the advertising master', () => {
    const t = new Timeline();
    t.requests.push({ start: 0, end: 5, ok: true, detail: 'web1' });
    t.requests.push({ start: 10, end: 12, ok: true, detail: 'web1' });
    t.requests.push({ start: 20, end: 21, ok: true, detail: 'web2' });
    t.requests.push({ start: 30, end: 530, ok: false, detail: 'timeout' });
    t.requests.push({ start: 900, end: 1001, ok: true, detail: 'web2' }); // ends in the next window
    adverts(t, LB1, 0, 400);
    t.adverts.push({ time: 500, src: LB2, priority: 100 });
    t.adverts.push({ time: 600, src: LB1, priority: 0 });
    const w = t.window(0, 1000);
    assert.equal(w.ok, 3);
    assert.equal(w.failed, 1);
    assert.deepEqual(
      [...w.byBackend],
      [
        ['web1', 2],
        ['web2', 1],
      ],
    );
    assert.equal(w.slowestMs, 500);
    assert.equal(w.master, LB2, 'the last non-zero advert; priority 0 is a resignation');
    const names = new Map([
      [LB1, 'lb1'],
      [LB2, 'lb2'],
    ]);
    assert.equal(formatWindow(1, w, names), '   1.0s     3     2     1       1   500 ms  lb2');
  });

  it('measures a crash: last advert to the first answer through the new master, and the failures between', () => {
    const t = new Timeline();
    adverts(t, LB1, 0, 2000); // last advert at 2000
    const crashAt = 2050;
    adverts(t, LB2, 2361, 3000, 100); // takes over at 2000 + MDI
    requests(t, 0, 2040, true, 'web1');
    t.requests.push({ start: 2040, end: 2051, ok: false, detail: 'ECONNRESET' }); // in flight at the kill
    requests(t, 2050, 2400, false, 'ECONNREFUSED');
    requests(t, 2400, 3000, true, 'web2');
    t.requests.push({ start: 2395, end: 3395, ok: false, detail: 'timeout' }); // its SYN was lost
    const f = measureFailover(t, crashAt, LB1, LB2);
    assert.ok(f !== undefined);
    assert.equal(f.lastAdvert, 2000);
    assert.equal(f.takeoverMs, 361);
    assert.equal(f.firstAnswer, 2402);
    assert.equal(f.failoverMs, 402);
    assert.equal(f.lastAnswer, 2032);
    assert.equal(f.gapMs, 370);
    assert.equal(f.failed, 37, 'the one reset at the kill, 35 refused in the gap, one timed out later');
  });

  it('measures nothing until the new master has advertised and answered', () => {
    const t = new Timeline();
    adverts(t, LB1, 0, 2000);
    requests(t, 0, 2050, true, 'web1');
    requests(t, 2050, 2400, false, 'timeout');
    assert.equal(measureFailover(t, 2050, LB1, LB2), undefined, 'no takeover yet');
    adverts(t, LB2, 2361, 3000, 100);
    assert.equal(measureFailover(t, 2050, LB1, LB2), undefined, 'no answer yet');
  });

  it('measures a graceful stop from the priority-0 advert to the new master, with failures and the slowest answer', () => {
    const t = new Timeline();
    adverts(t, LB1, 0, 1000);
    const stopAt = 1020;
    assert.equal(measureHandover(t, stopAt, LB1, LB2), undefined, 'no resignation yet');
    t.adverts.push({ time: 1050, src: LB1, priority: 0 });
    assert.equal(measureHandover(t, stopAt, LB1, LB2), undefined, 'no takeover yet');
    adverts(t, LB2, 1111, 2000, 100);
    requests(t, 900, 1500, true, 'web1');
    t.requests.push({ start: 1100, end: 1400, ok: true, detail: 'web2' });
    t.requests.push({ start: 1200, end: 1210, ok: false, detail: 'ECONNRESET' });
    const h = measureHandover(t, stopAt, LB1, LB2);
    assert.deepEqual(h, { handoverMs: 61, failed: 1, slowestMs: 300 });
  });
});
