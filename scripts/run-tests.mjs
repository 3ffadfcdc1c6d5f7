// Runs the compiled test files with node:test. Node 20's --test takes no globs, so list them here.
// `--layer unit|integration|net` narrows the run; by default all three layers run (design.md §5):
// unit and integration files two at a time, then the network files one at a time, because those
// assert failover timing bands and must not share the 2 cores with another file's load (the VRRP
// soak drives 1,000 HTTP requests/s). Ends with one combined `N passed, N failed` line.
import { spawn } from 'node:child_process';
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
const concurrency = process.env.TANDEM_TEST_CONCURRENCY ?? '2';
const selected = rest.length > 0 ? rest : all.filter((f) => layer === undefined || layerOf(f) === layer);
const batches =
  rest.length > 0
    ? [{ files: selected, concurrency }]
    : [
        { files: selected.filter((f) => layerOf(f) !== 'net'), concurrency },
        { files: selected.filter((f) => layerOf(f) === 'net'), concurrency: '1' },
      ].filter((b) => b.files.length > 0);

const totals = { pass: 0, fail: 0, skipped: 0 };
let status = 0;
for (const batch of batches) {
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--test', `--test-concurrency=${batch.concurrency}`, '--test-reporter=spec', ...batch.files],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: root },
    );
    let tail = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      tail = (tail + d.toString()).slice(-4096);
    });
    child.on('close', (c) => {
      for (const key of Object.keys(totals)) {
        const m = new RegExp(`ℹ ${key} (\\d+)`).exec(tail);
        if (m) totals[key] += Number(m[1]);
      }
      resolve(c ?? 1);
    });
  });
  if (code !== 0) status = code;
}
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(status);
