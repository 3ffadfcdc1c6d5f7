/**
 * HTTP clients for the HA pair tests (issue 11), run inside the client namespace:
 * `node ha-client.js URL RATE DURATION_MS CLIENTS DEADLINE_MS`.
 *
 * CLIENTS independent clients, each with its own keep-alive agent (no socket limit, like a browser
 * or a service mesh sidecar reusing idle connections), together send RATE requests per second for
 * DURATION_MS, open loop: a request is issued on schedule whatever the earlier ones are doing, so a
 * stalled connection does not hide an outage. Each request has a deadline (DEADLINE_MS from issue);
 * an error, a non-200 status or the deadline counts as a failure. Like curl, Go's net/http and the
 * browsers (RFC 9112 §9.3.1), a GET that fails on a *reused* keep-alive connection before any byte of
 * the response (the server closed it as it was being reused: ECONNRESET, EPIPE) is retried on
 * another connection, within the same deadline; retries are counted. Nothing else is retried: a
 * fresh connection refused or reset, a timeout or a 5xx is a failure.
 *
 * Prints `{"event":"started"}`, then once done
 * `{"event":"done","requests":N,"failures":F,"clients":[{requests,failures,maxStallMs,errors}],"samples":[[issue,end,ok,client]...]}`
 * with times in ms since the epoch (sub-millisecond), comparable with the test's `Date.now()`.
 */
import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url = '', rateText = '200', durationText = '3000', clientsText = '4', deadlineText = '2000'] =
  process.argv.slice(2);
const rate = Number(rateText);
const duration = Number(durationText);
const clients = Number(clientsText);
const deadline = Number(deadlineText);
const now = (): number => performance.timeOrigin + performance.now();

interface ClientStats {
  requests: number;
  failures: number;
  /** The longest time a request of this client took, from issue to its end (failed ones too). */
  maxStallMs: number;
  /** Requests sent again after their reused connection was closed under them. */
  retries: number;
  errors: Record<string, number>;
}

/** Errors of a reused connection closed by the server as the request went out. */
const RETRYABLE = new Set(['ECONNRESET', 'EPIPE']);

const stats: ClientStats[] = Array.from({ length: clients }, () => ({
  requests: 0,
  failures: 0,
  maxStallMs: 0,
  retries: 0,
  errors: {},
}));
const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true }));
const samples: [number, number, number, number][] = [];
let pending = 0;

function one(k: number): void {
  const s = stats[k];
  const agent = agents[k];
  if (s === undefined || agent === undefined) return;
  const t0 = now();
  s.requests++;
  pending++;
  let settled = false;
  const finish = (ok: boolean, why: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    pending--;
    const t1 = now();
    s.maxStallMs = Math.max(s.maxStallMs, t1 - t0);
    if (!ok) {
      s.failures++;
      s.errors[why] = (s.errors[why] ?? 0) + 1;
    }
    samples.push([Number(t0.toFixed(1)), Number(t1.toFixed(1)), ok ? 1 : 0, k]);
  };
  let req: ReturnType<typeof get> | undefined;
  const attempt = (): void => {
    let answered = false;
    const r = get(url, { agent }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        finish(res.statusCode === 200, `status ${res.statusCode ?? 0}`);
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        finish(false, err.code ?? err.message);
      });
    });
    req = r;
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (!settled && !answered && r.reusedSocket && RETRYABLE.has(err.code ?? '')) {
        s.retries++;
        attempt();
        return;
      }
      finish(false, err.code ?? err.message);
    });
  };
  attempt();
  const timer = setTimeout(() => {
    finish(false, 'deadline');
    req?.destroy();
  }, deadline);
}

process.stdout.write(`${JSON.stringify({ event: 'started' })}\n`);
const start = now();
const spacing = 1000 / rate;
let issued = 0;
const tick = (): void => {
  const due = Math.min(Math.floor((now() - start) / spacing) + 1, Math.floor(duration / spacing));
  while (issued < due) one(issued++ % clients);
  if (issued < Math.floor(duration / spacing)) setTimeout(tick, Math.max(1, spacing / 2));
  else {
    const wait = (): void => {
      if (pending > 0) {
        setTimeout(wait, 10);
        return;
      }
      for (const a of agents) a.destroy();
      const failures = stats.reduce((n, c) => n + c.failures, 0);
      const line = { event: 'done', requests: issued, failures, clients: stats, samples };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    };
    wait();
  }
};
tick();
