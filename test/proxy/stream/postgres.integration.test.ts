import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { freePort } from '../../helpers/nginx-process.js';
import { closedPort } from '../../helpers/ports.js';
import { postgresBin, psql, startPostgres } from '../../helpers/postgres.js';
import { requirePrereq } from '../../helpers/require-root.js';
import { startStream } from './stream-fixture.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a database VIP through the stream proxy', () => {
  it('serves psql queries from a real PostgreSQL and skips the dead upstream', async (t) => {
    if (
      !requirePrereq(t, postgresBin() !== undefined, 'PostgreSQL server (Debian postgresql) is not installed')
    )
      return;
    const pgPort = await freePort();
    const pg = await startPostgres(pgPort);
    cleanups.push(() => pg.stop());
    const dead = await closedPort();
    // The dead server comes first, so the very first session must be retried onto the live one.
    const proxy = await startStream([{ port: dead }, { port: pgPort }], {
      params: { connectTimeoutMs: 2000 },
    });
    cleanups.push(() => proxy.close());
    const results: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await psql(proxy.port, `select ${i} + 40`);
      assert.equal(r.status, 0, r.out);
      results.push(r.out.trim());
    }
    assert.deepEqual(results, ['40', '41', '42', '43', '44']);
    const bulk = await psql(
      proxy.port,
      "select count(*), md5(string_agg(g::text, ',')) from generate_series(1, 200000) g",
    );
    assert.equal(bulk.status, 0, bulk.out);
    assert.match(bulk.out, /^200000\|[0-9a-f]{32}$/m);
    const refused = proxy.records.filter((r) =>
      r.msg.startsWith('connect() failed (111: Connection refused)'),
    );
    assert.equal(refused.length, 1, 'the dead upstream is tried once, then left alone for fail_timeout');
  });
});
