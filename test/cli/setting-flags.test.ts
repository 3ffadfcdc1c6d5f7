import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCli } from '../../src/cli/args.js';
import { FlagValueError, parseLogLevel, parseMetricsList } from '../../src/cli/setting-flags.js';

describe('setting flag values', () => {
  it('--metrics is the exact set of families, with tandem.conf names, all and none', () => {
    assert.deepEqual(parseMetricsList('native'), {
      native: true,
      keepalivedCompat: false,
      nginxCompat: false,
    });
    assert.deepEqual(parseMetricsList('keepalived_compat, nginx'), {
      native: false,
      keepalivedCompat: true,
      nginxCompat: true,
    });
    assert.deepEqual(parseMetricsList('all'), { native: true, keepalivedCompat: true, nginxCompat: true });
    assert.deepEqual(parseMetricsList('none'), {
      native: false,
      keepalivedCompat: false,
      nginxCompat: false,
    });
    assert.throws(() => parseMetricsList('native,none'), FlagValueError);
    assert.throws(() => parseMetricsList('native,,nginx'), /unknown metric family ''/);
  });

  it('--log-level takes the four tandem.conf levels; -D is debug and contradicts any other', () => {
    assert.equal(parseLogLevel('warn'), 'warn');
    assert.throws(() => parseLogLevel('WARN'), FlagValueError);
    assert.equal(parseCli(['-D']).logLevel, 'debug');
    assert.equal(parseCli(['-D', '--log-level', 'debug']).logLevel, 'debug');
    assert.equal(parseCli([]).logLevel, undefined);
    assert.throws(() => parseCli(['-D', '--log-level', 'info']), FlagValueError);
  });

  it('an unknown flag is a plain Error (usage is shown), a bad value a FlagValueError (one line)', () => {
    assert.throws(
      () => parseCli(['--metric', 'native']),
      (e: unknown) => e instanceof Error && !(e instanceof FlagValueError),
    );
    assert.throws(() => parseCli(['--metrics', 'x']), FlagValueError);
    assert.throws(() => parseCli(['--admin-token', 'a', '--admin-token-file', 'f']), FlagValueError);
  });
});
