// Runs the compiled test files with node:test. Node 20's --test takes no globs, so list them here.
// `--layer unit|integration|net` narrows the run; by default all three layers run (design.md §5).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const layerIdx = args.indexOf('--layer');
const layer = layerIdx >= 0 ? args[layerIdx + 1] : undefined;
const rest = layerIdx >= 0 ? args.filter((_, i) => i !== layerIdx && i !== layerIdx + 1) : args;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
}

const all = walk(join(root, 'dist/test')).sort();
const layerOf = (f) => {
  const r = relative(join(root, 'dist/test'), f);
  if (r.startsWith('net/') || r.includes('.net.test.')) return 'net';
  if (r.startsWith('integration/') || r.includes('.integration.test.')) return 'integration';
  return 'unit';
};
const files = rest.length > 0 ? rest : all.filter((f) => layer === undefined || layerOf(f) === layer);
const concurrency = process.env.TANDEM_TEST_CONCURRENCY ?? '2';
const res = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(res.status ?? 1);
