import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { directiveSpecs, type NginxContext } from '../../../src/config/adapt/nginx/directives.js';
import { directivePolicy } from '../../../src/config/adapt/nginx/policy.js';
import { repoRoot } from '../../helpers/paths.js';
import { fixtureNames } from './fixtures.js';

const doc = readFileSync(join(repoRoot, 'docs', 'nginx-compat.md'), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  assert.ok(start >= 0, `docs/nginx-compat.md has no section "${title}"`);
  const end = doc.indexOf('\n## ', start + 3);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Backticked words that are directive names nginx knows (not `weight=`, `proxy_ssl_*`, ...). */
function directiveNames(text: string): string[] {
  return [...text.matchAll(/`([a-z_0-9]+)`/g)]
    .map((m) => m[1] ?? '')
    .filter((n) => directiveSpecs(n).length > 0);
}

/** Acted-on directives the warned table names for an unhonoured form of them. */
const QUALIFIED = new Set(['listen', 'proxy_pass', 'location', 'return', 'server']);

const ROWS: Readonly<Record<string, readonly NginxContext[]>> = {
  main: ['main'],
  '`http`': ['http'],
  '`server` (http)': ['server'],
  '`location`': ['location'],
  'proxy settings': ['http', 'server', 'location'],
  '`upstream` (http)': ['upstream'],
  '`stream`': ['stream'],
  '`server` (stream)': ['sserver'],
  '`upstream` (stream)': ['supstream'],
};

// The README table is a promise to operators: these tests keep it true (issue 4 acceptance).
describe('docs/nginx-compat.md matches what Tandem does', () => {
  it('lists as acted on exactly what the policy acts on, context by context', () => {
    const rows = section('What Tandem acts on')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Context'));
    for (const row of rows) {
      const [label = '', names = ''] = row.split(' | ').map((c) => c.replace(/^\| /, '').trim());
      const contexts: readonly NginxContext[] = ROWS[label] ?? [];
      assert.ok(contexts.length > 0, `unexpected row "${label}"`);
      for (const name of directiveNames(names)) {
        if (name === 'include') continue;
        for (const c of contexts) assert.equal(directivePolicy(name, c), 'acted', `${name} in ${c}`);
      }
    }
  });

  it('lists the quiet host settings as silent', () => {
    const quiet = directiveNames(section('Accepted quietly').split('- in http and stream:')[1] ?? '');
    assert.ok(quiet.length > 20);
    for (const name of quiet) assert.equal(directivePolicy(name, 'http'), 'silent', name);
    for (const name of directiveNames(section('Accepted quietly').split('- in http and stream:')[0] ?? '')) {
      if (name === 'http' || name === 'stream' || name === 'load_module') continue;
      assert.equal(directivePolicy(name, 'main'), 'silent', name);
    }
  });

  it('gives examples of warned directives that the policy does warn about', () => {
    const warned = directiveNames(section('Warned: valid nginx that Tandem does not honour'));
    assert.ok(warned.length > 20);
    for (const name of warned) {
      const ctx = [...(directiveSpecs(name)[0]?.contexts ?? [])].find((c) => c !== 'any' && c !== 'main');
      // These appear there only for their unhonoured forms (parameters, variables, missing handlers).
      if (ctx === undefined || QUALIFIED.has(name)) continue;
      assert.equal(directivePolicy(name, ctx), 'warned', `${name} in ${ctx}`);
    }
  });

  it('states the number of fixtures the differential test runs', () => {
    assert.match(doc, new RegExp(`\\(${fixtureNames().length} files`));
  });
});
