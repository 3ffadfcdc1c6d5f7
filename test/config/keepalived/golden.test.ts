/**
 * Golden tests for keepalived.conf: every `test/fixtures/keepalived/<case>.conf` is loaded; a clean
 * file's model must equal `<case>.json` (canonical dump), and a file with messages must produce
 * exactly `<case>.error.txt` (first line `exit N`, then the `file:line:col: message` lines).
 * `UPDATE_GOLDEN=1` rewrites the expectations; review the diff before committing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dumpKeepalivedConfig } from '../../../src/config/keepalived-dump.js';
import { configTestFixture, FIXTURE_DIR, fixtureCases, loadFixture } from './fixtures.js';

const update = process.env.UPDATE_GOLDEN === '1';

describe('keepalived.conf golden fixtures', () => {
  const cases = fixtureCases();
  it('has at least 60 fixtures', () => {
    assert.ok(cases.length >= 60, `only ${cases.length} fixtures`);
  });
  for (const name of cases) {
    it(name, () => {
      const load = loadFixture(name);
      const test = configTestFixture(name);
      assert.equal(test.exitCode, load.exitClass);
      const jsonPath = join(FIXTURE_DIR, `${name}.json`);
      const errPath = join(FIXTURE_DIR, `${name}.error.txt`);
      const json =
        load.exitClass === 0 && load.model !== undefined
          ? dumpKeepalivedConfig(load.model, { relativeTo: FIXTURE_DIR })
          : undefined;
      const errors =
        test.lines.length > 0 || load.exitClass !== 0
          ? [`exit ${load.exitClass}`, ...test.lines].join('\n') + '\n'
          : undefined;
      if (update) {
        if (json === undefined) rmSync(jsonPath, { force: true });
        else writeFileSync(jsonPath, json);
        if (errors === undefined) rmSync(errPath, { force: true });
        else writeFileSync(errPath, errors);
        return;
      }
      assert.ok(json !== undefined || errors !== undefined, 'a fixture yields a model or messages');
      if (json !== undefined) assert.equal(json, readFileSync(jsonPath, 'utf8'), `${name}.json differs`);
      else assert.ok(!existsSync(jsonPath), `${name}.json exists but the file is not clean`);
      if (errors !== undefined)
        assert.equal(errors, readFileSync(errPath, 'utf8'), `${name}.error.txt differs`);
      else assert.ok(!existsSync(errPath), `${name}.error.txt exists but the file is clean`);
    });
  }
});
