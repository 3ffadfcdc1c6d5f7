import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fileTrackEffect,
  fileTrackerState,
  healthTrackerState,
  healthTrackEffect,
  reweightTrackerState,
  weightedTrackerState,
} from '../../src/core/track-weight.js';

describe('healthTrackEffect (keepalived vrrp_track.c)', () => {
  it('weight 0 faults while down, or while up with reverse', () => {
    assert.deepEqual(healthTrackEffect(false, 0, false), { fault: true, delta: 0 });
    assert.deepEqual(healthTrackEffect(true, 0, false), { fault: false, delta: 0 });
    assert.deepEqual(healthTrackEffect(true, 0, true), { fault: true, delta: 0 });
    assert.deepEqual(healthTrackEffect(false, 0, true), { fault: false, delta: 0 });
  });

  it('positive weights add while up, negative subtract while down, reverse negates', () => {
    assert.equal(healthTrackEffect(true, 10, false).delta, 10);
    assert.equal(healthTrackEffect(false, 10, false).delta, 0);
    assert.equal(healthTrackEffect(true, -20, false).delta, 0);
    assert.equal(healthTrackEffect(false, -20, false).delta, -20);
    assert.equal(healthTrackEffect(true, 10, true).delta, -10);
    assert.equal(healthTrackEffect(false, -20, true).delta, 20);
  });
});

describe('fileTrackEffect (keepalived track_file.c)', () => {
  it('weight 0: non-zero means FAULT (zero with reverse)', () => {
    assert.equal(fileTrackEffect(0, 0, false).fault, false);
    assert.equal(fileTrackEffect(7, 0, false).fault, true);
    assert.equal(fileTrackEffect(0, 0, true).fault, true);
    assert.equal(fileTrackEffect(-3, 0, true).fault, false);
  });

  it('value × weight, clamped to 253, FAULT at −254 or below', () => {
    assert.deepEqual(fileTrackEffect(5, 2, false), { fault: false, delta: 10 });
    assert.deepEqual(fileTrackEffect(5, 2, true), { fault: false, delta: -10 });
    assert.deepEqual(fileTrackEffect(1000, 1, false), { fault: false, delta: 253 });
    assert.deepEqual(fileTrackEffect(-253, 1, false), { fault: false, delta: -253 });
    assert.equal(fileTrackEffect(-254, 1, false).fault, true);
    assert.equal(fileTrackEffect(127, -2, false).fault, true);
  });
});

describe('published states (raw health; track_file with its own weight)', () => {
  it('health trackers publish only the raw result', () => {
    assert.deepEqual(healthTrackerState(false, 'failed (exited with status 1)'), {
      up: false,
      reason: 'failed (exited with status 1)',
      value: 0,
    });
    assert.deepEqual(healthTrackerState(true, 'link up'), { up: true, reason: 'link up', value: 1 });
  });

  it('track_file: weight 0 publishes up = value is 0; weighted publishes the clamped product, −254 = FAULT', () => {
    assert.deepEqual(fileTrackerState(3, 0, false, 'v'), { up: false, reason: 'v', value: 3 });
    assert.deepEqual(fileTrackerState(0, 0, true, 'v'), { up: true, reason: 'v', value: 0 });
    assert.deepEqual(fileTrackerState(3, 5, false, 'v'), { up: true, reason: 'v', weight: 15, value: 3 });
    assert.deepEqual(fileTrackerState(3, 5, true, 'v'), { up: true, reason: 'v', weight: -15, value: 3 });
    assert.deepEqual(fileTrackerState(-200, 2, false, 'v'), {
      up: false,
      reason: 'v',
      weight: -254,
      value: -200,
    });
  });
});

describe("weightedTrackerState (one tracking reference's view)", () => {
  it('unweighted trackers omit weight and use up=false for FAULT', () => {
    assert.deepEqual(weightedTrackerState('health', 0, 0, false, 'failed'), {
      up: false,
      reason: 'failed',
      value: 0,
    });
    assert.deepEqual(weightedTrackerState('health', 1, 0, true, 'succeeded'), {
      up: false,
      reason: 'succeeded',
      value: 1,
    });
  });

  it('weighted trackers carry the delta and the raw health', () => {
    assert.deepEqual(weightedTrackerState('health', 0, -20, false, 'x'), {
      up: false,
      reason: 'x',
      weight: -20,
      value: 0,
    });
    assert.deepEqual(weightedTrackerState('health', 1, -20, false, 'x'), {
      up: true,
      reason: 'x',
      weight: 0,
      value: 1,
    });
    assert.deepEqual(weightedTrackerState('file', 3, 5, false, 'x'), {
      up: true,
      reason: 'x',
      weight: 15,
      value: 3,
    });
    assert.deepEqual(weightedTrackerState('file', -300, 1, false, 'x'), {
      up: false,
      reason: 'x',
      value: -300,
    });
  });

  it('a consumer can re-derive the state under its own weight', () => {
    const published = weightedTrackerState('health', 0, 0, false, 'failed (exited with status 1)');
    assert.deepEqual(reweightTrackerState('health', published, -30, false), {
      up: false,
      reason: 'failed (exited with status 1)',
      weight: -30,
      value: 0,
    });
    const file = weightedTrackerState('file', 4, 1, false, 'read');
    assert.equal(reweightTrackerState('file', file, 10, true).weight, -40);
  });
});
