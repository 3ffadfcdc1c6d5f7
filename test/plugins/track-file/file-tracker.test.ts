import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { TrackerState } from '../../../src/core/signal.js';
import { parseTrackFileValue } from '../../../plugins/track-file/file-value.js';
import type { FileTrackerConfig, FileTrackerParams } from '../../../plugins/track-file/params.js';
import { FileTrackerService, createFileTrackerPlugin } from '../../../plugins/track-file/plugin.js';
import { scratchDir, testContext, waitFor } from '../track-script/helpers.js';

describe('parseTrackFileValue (keepalived strtol(buf, NULL, 0))', () => {
  it('reads decimal, signed, hex and octal, stopping at the first other character', () => {
    assert.deepEqual(parseTrackFileValue('42\n'), { ok: true, value: 42 });
    assert.deepEqual(parseTrackFileValue('  -7 apples'), { ok: true, value: -7 });
    assert.deepEqual(parseTrackFileValue('0x10'), { ok: true, value: 16 });
    assert.deepEqual(parseTrackFileValue('010'), { ok: true, value: 8 });
    assert.deepEqual(parseTrackFileValue('09'), { ok: true, value: 0 });
  });

  it('reads garbage and empty files as 0', () => {
    assert.deepEqual(parseTrackFileValue(''), { ok: true, value: 0 });
    assert.deepEqual(parseTrackFileValue('down'), { ok: true, value: 0 });
  });

  it('refuses values outside [INT32_MIN, INT32_MAX + 1], showing what keepalived shows', () => {
    assert.deepEqual(parseTrackFileValue('2147483648'), { ok: true, value: 2147483648 });
    assert.deepEqual(parseTrackFileValue('2147483649'), { ok: false, shown: '2147483649' });
    assert.deepEqual(parseTrackFileValue('99999999999999999999'), {
      ok: false,
      shown: '9223372036854775807',
    });
  });
});

const { dir, cleanup } = scratchDir('track-file');
after(cleanup);
const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

async function track(p: FileTrackerParams, extra: Partial<FileTrackerConfig> = {}) {
  const t = testContext();
  const config: FileTrackerConfig = { files: [p], pollInterval: 0, ...extra };
  const service = createFileTrackerPlugin(() => config).create(t.ctx, config);
  assert.ok(service instanceof FileTrackerService);
  await service.init();
  service.start();
  running.push(() => service.stop());
  const signal = t.trackers.get('file', p.name);
  const edges: TrackerState[] = [];
  signal?.subscribe((s) => edges.push(s));
  return { ...t, service, signal, edges };
}

describe('tracker.file (keepalived track_file)', () => {
  it('publishes value × weight and follows writes, atomic renames and deletion', async () => {
    const file = join(dir, 'prio');
    writeFileSync(file, '3\n');
    const r = await track({ name: 'tf', file, weight: 5 });
    assert.deepEqual(r.signal?.get(), { up: true, reason: 'value 3', weight: 15, value: 3 });
    writeFileSync(file, '-4\n');
    await waitFor(() => r.signal?.get().value === -4, 3000, 'the write');
    assert.equal(r.signal.get().weight, -20);
    writeFileSync(join(dir, 'prio.tmp'), '10\n');
    renameSync(join(dir, 'prio.tmp'), file);
    await waitFor(() => r.signal?.get().value === 10, 3000, 'the rename');
    rmSync(file);
    await waitFor(() => r.signal?.get().value === 0, 3000, 'the deletion');
    assert.deepEqual(r.signal.get(), { up: true, reason: 'missing', weight: 0, value: 0 });
    // No transient 0 from the truncate that precedes each write.
    assert.deepEqual(
      r.edges.map((e) => e.value),
      [-4, 10, 0],
    );
  });

  it('weight 0: a non-zero value means FAULT, zero recovers', async () => {
    const file = join(dir, 'fault');
    writeFileSync(file, '0');
    const r = await track({ name: 'tf0', file, weight: 0 });
    assert.deepEqual(r.signal?.get(), { up: true, reason: 'value 0', value: 0 });
    writeFileSync(file, '1');
    await waitFor(() => r.signal?.get().up === false, 3000, 'FAULT');
    assert.equal(r.signal.get().weight, undefined);
    writeFileSync(file, '0');
    await waitFor(() => r.signal?.get().up === true, 3000, 'recovery');
  });

  it('a result of −254 or below is FAULT even when weighted', async () => {
    const file = join(dir, 'deep');
    writeFileSync(file, '-127');
    const r = await track({ name: 'deep', file, weight: 2 });
    assert.deepEqual(r.signal?.get(), { up: false, reason: 'value -127', weight: -254, value: -127 });
  });

  it("keeps the previous value on an invalid number, with keepalived's line", async () => {
    const file = join(dir, 'big');
    writeFileSync(file, '7');
    const r = await track({ name: 'big', file });
    writeFileSync(file, '99999999999');
    await waitFor(() => r.lines().some((l) => l.startsWith('Invalid number')), 3000, 'the refusal');
    assert.ok(r.lines().includes(`Invalid number 99999999999 read from ${file} - ignoring`));
    assert.equal(r.signal?.get().value, 7);
  });

  it('init_file creates a missing file, overwrite rewrites it, and an existing one is kept', async () => {
    const file = join(dir, 'init');
    const r = await track({ name: 'i', file, init: { value: 12 } });
    assert.equal(readFileSync(file, 'utf8'), '12\n');
    assert.equal(r.signal?.get().value, 12);
    writeFileSync(file, '3\n');
    await track({ name: 'i2', file, init: { value: 12 } });
    assert.equal(readFileSync(file, 'utf8'), '3\n');
    await track({ name: 'i3', file, init: { value: -2, overwrite: true } });
    assert.equal(readFileSync(file, 'utf8'), '-2\n');
  });

  it('drops files nobody tracks and files whose directory is missing', async () => {
    const r = await track({ name: 'gone', file: join(dir, 'nodir', 'x') });
    assert.equal(r.signal, undefined);
    assert.deepEqual(r.lines(), ['Track file directory for gone does not exist - removing']);
    const u = await track({ name: 'unused', file: join(dir, 'prio') }, { tracked: new Set(['other']) });
    assert.equal(u.signal, undefined);
  });
});
