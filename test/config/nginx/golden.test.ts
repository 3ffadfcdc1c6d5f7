import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dumpNginxConfig, loadNginxConfig, nginxConfigTest } from '../../../src/config/nginx.js';
import { fixtureNames, fixturePath, fixtureResolver, portable } from './fixtures.js';

// Set UPDATE_GOLDEN=1 to (re)write the expected files after reviewing the change.
const update = process.env.UPDATE_GOLDEN === '1';
const options = { resolveHost: fixtureResolver, defaultListenPort: 80 };
// nginx checks `user` only when started as root (ngx_set_user), and so does Tandem.
const ROOT_ONLY = new Set(['bad-user-unknown']);
const isRoot = process.getuid?.() === 0;

function compare(path: string, actual: string): void {
  if (update) writeFileSync(path, actual);
  assert.ok(existsSync(path), `missing golden file ${path} (run with UPDATE_GOLDEN=1)`);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

describe('nginx golden fixtures: .conf → .json model or .error.txt messages', () => {
  const names = fixtureNames();
  it('has at least 50 fixtures, good and bad', () => {
    assert.ok(names.length >= 50, `only ${names.length} fixtures`);
    assert.ok(names.filter((n) => n.startsWith('bad-')).length >= 25);
  });
  for (const name of names) {
    it(
      name,
      { skip: ROOT_ONLY.has(name) && !isRoot ? 'needs root, as nginx checks users only then' : false },
      () => {
        const loaded = loadNginxConfig(fixturePath(name), options);
        const test = nginxConfigTest(fixturePath(name), options);
        // The model exists exactly when nginx would accept the file.
        assert.equal(loaded.model !== undefined, test.nginxAccepts);
        if (name.startsWith('ok-')) assert.equal(test.exitCode, 0, test.lines.join('\n'));
        if (name.startsWith('bad-')) assert.equal(test.nginxAccepts, false, test.lines.join('\n'));
        if (name.startsWith('warn-')) {
          assert.equal(test.nginxAccepts, true, test.lines.join('\n'));
          assert.equal(test.exitCode, 1);
        }
        const jsonPath = fixturePath(name, '.json');
        const errorPath = fixturePath(name, '.error.txt');
        if (loaded.model !== undefined) compare(jsonPath, portable(dumpNginxConfig(loaded.model)));
        else assert.ok(!existsSync(jsonPath), `${jsonPath} exists but the file is refused`);
        if (test.exitCode !== 0) compare(errorPath, portable(`${test.lines.join('\n')}\n`));
        else assert.ok(!existsSync(errorPath), `${errorPath} exists but the test passes`);
      },
    );
  }
});
