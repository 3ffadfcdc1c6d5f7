/** The example listener's writer: bounded, non-blocking, and honest about what it dropped. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JsonLinesSink } from '../../examples/custom-plugin/json-lines-sink.js';
import { createMemoryLogger } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-jsonl-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; n?: number; count?: number });

describe('example JSON-lines sink', () => {
  it('writes every record in order when the queue keeps up', async () => {
    const file = join(dir, 'ordered.jsonl');
    const sink = new JsonLinesSink(file, 100, createMemoryLogger('debug').logger);
    await sink.open();
    for (let n = 0; n < 50; n++) sink.push({ event: 'e', n });
    await sink.close();
    assert.deepEqual(
      lines(file).map((l) => l.n),
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('keeps at most MAX_QUEUE lines while a write is pending, dropping the oldest and saying how many', async () => {
    const file = join(dir, 'bounded.jsonl');
    const sink = new JsonLinesSink(file, 10, createMemoryLogger('debug').logger);
    await sink.open();
    // The first push starts a write; the next 100 arrive before it finishes (same tick): 10 fit.
    for (let n = 0; n < 101; n++) sink.push({ event: 'e', n });
    await sink.close();
    const got = lines(file);
    assert.deepEqual(got[0]?.n, 0);
    assert.deepEqual(got[1], { ...got[1], event: 'dropped', count: 90 });
    assert.deepEqual(
      got.slice(2).map((l) => l.n),
      Array.from({ length: 10 }, (_, i) => 91 + i),
    );
  });
});
