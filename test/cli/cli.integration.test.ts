import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { cliPath, fixture } from '../helpers/paths.js';

function tandem(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tandem command line', () => {
  it('lists every documented flag in --help', () => {
    const r = tandem('--help');
    assert.equal(r.code, 0);
    for (const flag of [
      '-f, --use-file',
      '--nginx',
      '-c, --conf',
      '-t, --config-test',
      '-d, --dump-conf',
      '-n, --dont-fork',
      '-l, --log-console',
      '-D, --log-detail',
      '--log-level',
      '--log-format',
      '--show-secrets',
      '-P, --vrrp',
      '-p, --pid',
      '-i, --config-id',
      '--admin',
      '--admin-token-file',
      '--admin-token',
      '--metrics',
      '--dump-data',
      '--dump-stats',
      '--dump-json',
      '--plugin',
      '--demo',
      '-h, --help',
      '-v, --version',
    ]) {
      assert.ok(r.out.includes(flag), `--help lacks ${flag}`);
    }
  });

  it('prints the version for -v', () => {
    const r = tandem('-v');
    assert.equal(r.code, 0);
    assert.match(r.out, /^Tandem v\d+\.\d+\.\d+\n$/);
  });

  it('answers an unknown flag with usage and a non-zero exit, never a stack trace', () => {
    const r = tandem('--frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown option '--frobnicate'/);
    assert.match(r.err, /Usage: tandem/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });

  it('refuses a stray positional argument and a missing flag value the same way', () => {
    assert.equal(tandem('keepalived.conf').code, 2);
    const r = tandem('-f');
    assert.equal(r.code, 2);
    assert.match(r.err, /argument missing/);
  });

  it('checks a tandem.conf with -t and prints located errors', () => {
    assert.equal(tandem('-t', '-c', fixture('config', 'includes', 'main.conf')).code, 0);
    const bad = tandem('-t', '-c', fixture('config', 'unclosed.conf'));
    assert.equal(bad.code, 1);
    assert.match(bad.err, /unclosed\.conf:3:1: unexpected end of file/);
    assert.doesNotMatch(bad.err, /\n\s+at /);
  });

  it('dumps the model as canonical JSON with -d, paths resolved against the including file', () => {
    const r = tandem('-d', '-c', fixture('config', 'includes', 'main.conf'), '-i', 'nodeA');
    assert.equal(r.code, 0);
    const model = JSON.parse(r.out) as {
      tandem: { configId: string; plugins: string[]; metrics: Record<string, boolean> };
    };
    assert.equal(model.tandem.configId, 'nodeA');
    assert.deepEqual(model.tandem.metrics, { keepalivedCompat: false, native: true, nginxCompat: false });
    assert.equal(model.tandem.plugins[0], fixture('config', 'includes', 'conf.d', 'a.js'));
  });
});
