/** The round robin plugin's metadata and its use as the default method. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VirtualClock, roundRobinPlugin, seededRandom, serverParams } from '../../../src/index.js';

describe('balancer.round_robin plugin', () => {
  it('declares the method, accepts backup and creates a working strategy', () => {
    assert.equal(roundRobinPlugin.method, 'round_robin');
    assert.equal(roundRobinPlugin.backup, true);
    const s = roundRobinPlugin.create(
      { name: 'u', method: 'round_robin', servers: [serverParams('a')] },
      { clock: new VirtualClock(), random: seededRandom(1) },
    );
    assert.equal(s.method, 'round_robin');
  });
});
