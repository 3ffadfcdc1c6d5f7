/**
 * HTTP load for the VRRP soak (issue 6), run inside a namespace:
 * `node http-load.js serve PORT` runs a small HTTP server (a JSON body built per request, so the
 * process allocates and collects garbage); `node http-load.js load URL MAX_REQUESTS MAX_MS CONCURRENCY RATE`
 * sends keep-alive GETs at about RATE per second (0: as fast as possible) until either bound is
 * reached and prints
 * `{"event":"done","requests":N,"errors":E,"ms":T}`.
 */
import { Agent, createServer, get } from 'node:http';

const [mode = '', ...rest] = process.argv.slice(2);

if (mode === 'serve') {
  const port = Number(rest[0] ?? '8080');
  const server = createServer((req, res) => {
    const body = JSON.stringify({
      path: req.url,
      at: Date.now(),
      items: Array.from({ length: 64 }, (_, i) => i * 2),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(port, () => process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`));
} else if (mode === 'load') {
  const [url = '', maxText = '1000', msText = '1000', concText = '4', rateText = '0'] = rest;
  const spacingMs = Number(rateText) > 0 ? (1000 * Number(concText)) / Number(rateText) : 0;
  const max = Number(maxText);
  const until = Date.now() + Number(msText);
  const agent = new Agent({ keepAlive: true, maxSockets: Number(concText) });
  let started = 0;
  let done = 0;
  let errors = 0;
  const t0 = Date.now();
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      started++;
      const req = get(url, { agent, timeout: 2000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) errors++;
          done++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        done++;
        resolve();
      });
      req.on('timeout', () => req.destroy());
    });
  const worker = async (): Promise<void> => {
    while (started < max && Date.now() < until) {
      const t = Date.now();
      await one();
      const wait = spacingMs - (Date.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  await Promise.all(Array.from({ length: Number(concText) }, worker));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ event: 'done', requests: done, errors, ms: Date.now() - t0 })}\n`);
} else {
  process.stderr.write('usage: http-load.js serve PORT | load URL MAX_REQUESTS MAX_MS CONCURRENCY RATE\n');
  process.exitCode = 2;
}
