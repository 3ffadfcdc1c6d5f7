/**
 * The demo client, run inside its namespace by `npm run demo`:
 * `node client.js URL RATE MAX_MS TIMEOUT_MS` starts a GET every 1/RATE s (open loop: a slow
 * answer does not slow the next request down, as with many independent users), each on a fresh
 * connection so every request finds the VIP through ARP as a new user would. For each request it
 * prints one line, `ok START END BACKEND` or `fail START END REASON` (epoch ms, 0.1 ms resolution);
 * it stops after MAX_MS or when a line arrives on stdin, waits for the requests in flight (each
 * bounded by TIMEOUT_MS) and prints `done`.
 */
import { get } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url = '', rateText = '100', maxText = '60000', timeoutText = '1000'] = process.argv.slice(2);
const periodMs = 1000 / Number(rateText);
const timeoutMs = Number(timeoutText);
const now = (): number => performance.timeOrigin + performance.now();
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

let inFlight = 0;
let stopping = false;

function one(): void {
  const start = now();
  inFlight++;
  let settled = false;
  const finish = (line: string): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    inFlight--;
    out(line);
    if (stopping && inFlight === 0) done();
  };
  const req = get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
    const backend = String(res.headers['x-backend'] ?? 'unknown');
    res.resume();
    res.on('end', () => {
      const end = now().toFixed(1);
      finish(
        res.statusCode === 200
          ? `ok ${start.toFixed(1)} ${end} ${backend}`
          : `fail ${start.toFixed(1)} ${end} http_${res.statusCode ?? 0}`,
      );
    });
    res.on('error', (err: NodeJS.ErrnoException) => {
      finish(`fail ${start.toFixed(1)} ${now().toFixed(1)} ${err.code ?? 'error'}`);
    });
  });
  const timer = setTimeout(() => {
    req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' }));
  }, timeoutMs);
  req.on('error', (err: NodeJS.ErrnoException) => {
    finish(`fail ${start.toFixed(1)} ${now().toFixed(1)} ${err.code ?? 'error'}`);
  });
}

const t0 = now();
let sent = 0;
function tick(): void {
  if (stopping) return;
  // Catch up on the schedule rather than drift: request n starts at t0 + n × period.
  while (t0 + sent * periodMs <= now()) {
    sent++;
    one();
  }
  if (now() - t0 >= Number(maxText)) stop();
  else setTimeout(tick, Math.max(1, t0 + sent * periodMs - now()));
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  if (inFlight === 0) done();
}

function done(): void {
  out('done');
  // stdout is a pipe, written synchronously on Linux: nothing is lost by exiting now.
  process.exit(0);
}

process.stdin.on('data', stop);
process.stdin.on('end', stop);
tick();
