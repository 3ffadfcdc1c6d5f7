/**
 * The end-to-end differential of issue 8: the real nginx 1.22 and the Tandem daemon (the compiled
 * CLI as a child process) run the SAME nginx.conf, one after the other on the same port, against
 * the same real backends, and get the same request sequence (source addresses 127.x.y.z where the
 * key depends on it). Asserted equal per case: the answering backend, the status, the body, the
 * `Server` and `Content-Type` headers (so nginx's generated error pages byte for byte), and the
 * retry chain from each engine's access log (`$upstream_addr`, `$upstream_status`); and the
 * upstream error-log lines. `random` is compared by its invariants (reference/nginx.md §1.7).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../helpers/ports.js';
import { skipWithoutNginx } from '../upstream/differential/check.js';
import { E2eBackends } from './backends.js';
import { CASES, DEAD, LIVE, type E2eCase } from './cases.js';
import { e2eConf } from './conf.js';
import { driveAll, joinAccessLog, type Seen } from './drive.js';
import { startNginxEngine, startTandemEngine, type Engine, type ErrorLine } from './engines.js';

interface Run {
  readonly byCase: Map<string, Seen[]>;
  readonly errors: ErrorLine[];
  /** The request heads the backends received, by `BACKEND REQ-ID`. */
  readonly heads: Map<string, string>;
}

const line = (s: Seen): string => `${s.backend} ${s.status} ua="${s.ua}" us="${s.us}"`;

/** The invariants of `random` (nginx seeds random() per worker, so sequences are not comparable). */
function checkRandom(c: E2eCase, seen: readonly Seen[], engine: string): void {
  const got = seen.map(line).join('\n');
  if (c.name === 'random') {
    // {a, b, c down}: only a and b, each a fair share of 40 (below 8 has probability < 1e-4).
    assert.ok(
      seen.every((s) => s.status === 200 && (s.backend === 'a' || s.backend === 'b')),
      `${engine}\n${got}`,
    );
    for (const id of ['a', 'b'])
      assert.ok(seen.filter((s) => s.backend === id).length >= 8, `${engine}: ${id} too rare\n${got}`);
  } else {
    // random two least_conn: with one peer busy, the other one of the two peeks always wins.
    const [heldReq, ...rest] = seen;
    assert.ok(heldReq !== undefined && heldReq.status === 200, `${engine}\n${got}`);
    const other = heldReq.backend === 'a' ? 'b' : 'a';
    assert.deepEqual(
      rest.map((s) => s.backend),
      rest.map(() => other),
      `${engine}: random two did not avoid the busy ${heldReq.backend}\n${got}`,
    );
  }
}

describe('Tandem daemon and the real nginx on one nginx.conf', { skip: skipWithoutNginx() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
  const runs = new Map<'nginx' | 'tandem', Run>();
  let backends: E2eBackends | undefined;

  /** Runs every case on one engine, from a fresh start (a restart resets balancer state). */
  async function run(start: () => Promise<Engine>, b: E2eBackends, port: number): Promise<Run> {
    b.reset();
    const engine = await start();
    let result: Awaited<ReturnType<typeof driveAll>>;
    let logs: Awaited<ReturnType<Engine['stop']>>;
    try {
      result = await driveAll(CASES, port, b);
    } finally {
      b.release();
      // Stopped by pid also when the drive failed, so no engine outlives the test.
      logs = await engine.stop();
    }
    // random picks differ by design: its requests' heads are left out (compared by invariants).
    const randomIds = new Set(
      result.sent
        .filter((x) => CASES.find((c) => c.name === x.caseName)?.compare === 'random')
        .map((x) => x.id),
    );
    const heads = new Map([...b.heads].filter(([k]) => !randomIds.has(Number(k.split(' ')[1]))));
    b.reset();
    const seen = new Map<number, Seen>();
    const byCase = new Map<string, Seen[]>();
    for (const s of result.sent) {
      const v = await s.done.catch((e: unknown): Seen => ({
        status: 0,
        backend: `ERR ${String(e)}`,
        body: '',
        server: '',
        contentType: '',
        ua: '?',
        us: '?',
      }));
      seen.set(s.id, v);
      const list = byCase.get(s.caseName) ?? [];
      list.push(v);
      byCase.set(s.caseName, list);
    }
    joinAccessLog(seen, logs.accessLog, (p) => b.idOfPort(p));
    return { byCase, errors: logs.errors, heads };
  }

  before(async () => {
    const b = await E2eBackends.start(LIVE, DEAD);
    backends = b;
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, e2eConf(CASES, b.ports, dir, port));
    runs.set('nginx', await run(() => startNginxEngine(conf, dir), b, port));
    runs.set('tandem', await run(() => startTandemEngine(conf, dir, port), b, port));
  });

  after(async () => {
    await backends?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    const title = `${c.name}: ${c.compare === 'random' ? 'the same invariants' : 'the same backends, statuses, pages and retry chains'}`;
    it(title, c.todo === undefined ? {} : { todo: c.todo }, () => {
      const n = runs.get('nginx')?.byCase.get(c.name) ?? [];
      const t = runs.get('tandem')?.byCase.get(c.name) ?? [];
      assert.equal(n.length, c.steps.filter((s) => !('pause' in s) && !('release' in s)).length);
      if (c.compare === 'random') {
        checkRandom(c, n, 'nginx');
        checkRandom(c, t, 'tandem');
        return;
      }
      assert.deepEqual(t.map(line), n.map(line), `${c.name}: Tandem (actual) vs nginx (expected)`);
      assert.deepEqual(t, n, `${c.name}: bodies or headers differ`);
    });
  }

  it('sends the backends the same request heads (request line, headers in order)', () => {
    const n = runs.get('nginx')?.heads ?? new Map<string, string>();
    const t = runs.get('tandem')?.heads ?? new Map<string, string>();
    assert.ok(n.size > 900, `only ${n.size} heads recorded`);
    assert.deepEqual([...t.keys()].sort(), [...n.keys()].sort(), 'different attempts reached the backends');
    for (const [k, head] of n) assert.equal(t.get(k), head, `request ${k}`);
  });

  it('logs the same upstream error lines, in the same order', () => {
    // Lines for a known difference's requests are left out (that case is a todo).
    const todo = CASES.filter((c) => c.todo !== undefined).map((c) => ` /${c.name}/`);
    const lines = (engine: 'nginx' | 'tandem') =>
      (runs.get(engine)?.errors ?? [])
        .filter((e) => !todo.some((t) => e.request?.includes(t) === true))
        .map((e) => e.line);
    assert.deepEqual(lines('tandem'), lines('nginx'));
  });
});
