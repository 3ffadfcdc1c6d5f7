import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScriptCounter } from '../../../plugins/track-script/script-counter.js';
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
