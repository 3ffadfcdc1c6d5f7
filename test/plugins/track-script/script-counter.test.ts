import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScriptCounter } from '../../../src/core/script-counter.js';
import { shellCommand } from '../../../plugins/track-script/script-tracker.js';

/** Feeds results (1 = success) and returns the runs (1-based) where keepalived logs, with direction. */
function edges(rise: number, fall: number, initFail: boolean, results: string): string[] {
  const c = new ScriptCounter(rise, fall, initFail);
  const out: string[] = [];
  for (let i = 0; i < results.length; i++) {
    const e = c.record(results.charAt(i) === '1');
    if (e !== undefined) out.push(`${e}@${i + 1}`);
  }
  return out;
}

describe('ScriptCounter (keepalived vrrp_script_child_thread bookkeeping)', () => {
  it('at start one success is enough and the first failure is reported', () => {
    assert.deepEqual(edges(3, 2, false, '1'), ['up@1']);
    assert.deepEqual(edges(3, 2, false, '0'), ['down@1']);
  });

  it('needs rise consecutive successes from failed and fall consecutive failures from OK', () => {
    // rise 2, fall 3: down at 1, up at 3, a lone success at 6 restores the full count, down at 9.
    assert.deepEqual(edges(2, 3, false, '01100100011'), ['down@1', 'up@3', 'down@9', 'up@11']);
  });

  it('a failure while failed restarts the rise count', () => {
    assert.deepEqual(edges(3, 1, false, '0110111'), ['down@1', 'up@7']);
  });

  it('init_fail starts failed, silently, and needs rise successes', () => {
    const c = new ScriptCounter(2, 1, true);
    assert.equal(c.ok, false);
    assert.deepEqual(edges(2, 1, true, '0011'), ['up@4']);
    assert.deepEqual(edges(1, 1, true, '1'), ['up@1']);
  });

  it('rise 1 / fall 1 flips on every change and nothing else', () => {
    assert.deepEqual(edges(1, 1, false, '110010'), ['up@1', 'down@3', 'up@5', 'down@6']);
  });
});

describe('shellCommand (keepalived cmd_str)', () => {
  it('quotes every word except a leading redirection', () => {
    assert.equal(shellCommand(['/bin/check', 'a b', 'c']), "'/bin/check' 'a b' 'c'");
    assert.equal(shellCommand(['</dev/tcp/127.0.0.1/80']), '</dev/tcp/127.0.0.1/80');
  });
});

describe('ScriptCounter.reloaded (keepalived clear_diff_script)', () => {
  /** A counter after `results` (1 = success) with rise/fall. */
  function after(rise: number, fall: number, results: string): ScriptCounter {
    const c = new ScriptCounter(rise, fall, false);
    for (let i = 0; i < results.length; i++) c.record(results.charAt(i) === '1');
    return c;
  }

  it('a script with no result yet starts afresh, silently', () => {
    const r = ScriptCounter.reloaded(new ScriptCounter(2, 2, false), 3, 1, false);
    assert.equal(r.carried, undefined);
    assert.equal(r.counter.initial, true);
    assert.equal(r.counter.result, 2);
  });

  it('OK stays OK at the same distance from the new rise; the top stays the top', () => {
    const top = ScriptCounter.reloaded(after(2, 3, '1'), 5, 2, false);
    assert.equal(top.carried, 'ok');
    assert.equal(top.counter.result, 6);
    // rise 2 fall 3, one failure from the top: result 3 = rise + 1 → new rise 4 + 1 = 5.
    const mid = ScriptCounter.reloaded(after(2, 3, '10'), 4, 3, false);
    assert.equal(mid.counter.result, 5);
    assert.equal(mid.counter.ok, true);
  });

  it('failed stays failed, keeping its progress towards rise', () => {
    // rise 3: failed (0), then one success (1) → new rise 5: 5 − (3 − 1) = 3.
    const r = ScriptCounter.reloaded(after(3, 1, '01'), 5, 1, false);
    assert.equal(r.carried, 'failed');
    assert.equal(r.counter.result, 3);
    assert.equal(ScriptCounter.reloaded(after(3, 1, '0'), 5, 1, false).counter.result, 0);
  });
});
