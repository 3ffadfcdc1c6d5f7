/**
 * `npm run bench`: wrk against nginx, HAProxy and Tandem's HTTP data path in front of the same
 * upstream on loopback, one worker/thread each, upstream keep-alive on for all
 * (reference/performance.md §2), then TCP connections/s and throughput against nginx stream and
 * HAProxy mode tcp. Tandem runs as operators run it: the CLI on an nginx.conf. Prints medians,
 * latency, RSS and ratios.
 * Not a test: figures depend on the host. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50),
 * BENCH_THREADS (wrk threads, 1: on 2 cores a second wrk thread starves the proxies),
 * BENCH_ROUNDS (2, order alternating), BENCH_OPTIONS=1 to also measure http-proxy-3 with a
 * keep-alive Agent and Node's http.request with an Agent (the data-path options of design.md §4),
 * BENCH_PIN=1 to run every proxy on CPU 1 and wrk plus the upstream on CPU 0 (taskset), so the
 * proxy under test never shares its core with the load generator; the same pinning applies to
 * every target. The TCP tables include a plain Node socket pipe: the ceiling for a Node proxy.
 * BENCH_COMPARE=PATH adds a second Tandem, the CLI at PATH (another build's dist/src/cli/main.js),
 * as its own row in every table, so two builds are measured in the same interleaved rounds;
 * BENCH_TCP_ONLY=1 skips the HTTP table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitListening } from '../proxy/http/helpers/nginx.js';
import { childPort, median, wrk, type Result, type WrkOptions } from './measure.js';

const seconds = Number(process.env.BENCH_SECONDS ?? '10');
const connections = Number(process.env.BENCH_CONNECTIONS ?? '50');
const threads = Number(process.env.BENCH_THREADS ?? '1');
const rounds = Number(process.env.BENCH_ROUNDS ?? '2');
const options = process.env.BENCH_OPTIONS === '1';
const pin = process.env.BENCH_PIN === '1';
const compare = process.env.BENCH_COMPARE ?? '';
const tcpOnly = process.env.BENCH_TCP_ONLY === '1';
/** taskset prefixes: proxies on CPU 1, wrk and the upstream on CPU 0 (BENCH_PIN=1). */
const proxyCpu = pin ? ['taskset', '-c', '1'] : [];
const loadCpu = pin ? ['taskset', '-c', '0'] : [];
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const children: ChildProcess[] = [];

function start(cmd: string, args: string[], prefix: readonly string[] = proxyCpu): ChildProcess {
  const [bin, ...rest] = [...prefix, cmd, ...args] as [string, ...string[]];
  const child = spawn(bin, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function nginxConf(name: string, body: string, stream = ''): string {
  const path = join(dir, `${name}.conf`);
  writeFileSync(
    path,
    `${stream === '' ? '' : 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n'}worker_processes 1; daemon off; master_process off; pid ${dir}/${name}.pid; error_log ${dir}/${name}.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000; client_body_temp_path ${dir}; proxy_temp_path ${dir};
  fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
${body} }\n${stream === '' ? '' : `${stream}\n`}`,
  );
  return path;
}

interface Target {
  readonly name: string;
  readonly port: number;
  readonly pid: number | undefined;
}

/** Runs every target `rounds` times (alternating order) and prints medians and ratios to the first. */
function table(title: string, targets: readonly Target[], o: WrkOptions, metric: 'rps' | 'mbps'): void {
  const runs = new Map<string, Result[]>();
  const ratios = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so no target always runs first on a cold or busy host.
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const byName = new Map<string, Result>();
    for (const t of order) {
      wrk(t.name, t.port, t.pid, 2, o); // warm-up
      const r = wrk(t.name, t.port, t.pid, seconds, o);
      byName.set(t.name, r);
      runs.set(t.name, [...(runs.get(t.name) ?? []), r]);
    }
    const base = byName.get(targets[0]?.name ?? '');
    for (const [name, r] of byName)
      ratios.set(name, [...(ratios.get(name) ?? []), r[metric] / (base?.[metric] ?? 1)]);
  }
  const unit = metric === 'rps' ? (o.headers?.length ? 'conn/s' : 'req/s') : 'MiB/s';
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(34) : x.padStart(11))).join(' ');
  console.log(`\n${title}`);
  console.log(
    line([
      'target',
      unit,
      `x ${targets[0]?.name.split(' ')[0] ?? ''}`,
      'p50 ms',
      'p99 ms',
      'RSS MB',
      metric === 'rps' ? 'req/CPU-s' : 'MiB/CPU-s',
    ]),
  );
  for (const t of targets) {
    const rs = runs.get(t.name) ?? [];
    const errors = rs.map((r) => r.errors).filter((e) => e !== '');
    console.log(
      line([
        t.name,
        median(rs.map((r) => r[metric])).toFixed(metric === 'rps' ? 0 : 1),
        median(ratios.get(t.name) ?? []).toFixed(3),
        median(rs.map((r) => r.p50)).toFixed(2),
        median(rs.map((r) => r.p99)).toFixed(2),
        Math.max(...rs.map((r) => r.rss)).toFixed(1),
        median(rs.map((r) => (metric === 'rps' ? r.perCpu : r.mbPerCpu))).toFixed(0),
      ]) + (errors.length === 0 ? '' : `  (${errors.join('; ')})`),
    );
  }
}

async function main(): Promise<void> {
  const [up, ng, ha, td, ngTcp, haTcp, tdTcp, cmp, cmpTcp] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // 64 MiB served by the upstream for the TCP throughput runs.
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 7));
  start(
    'nginx',
    [
      '-p',
      dir,
      '-c',
      nginxConf(
        'upstream',
        `server { listen 127.0.0.1:${up}; location / { return 200 "ok"; } location = /big { alias ${dir}/big.bin; } }`,
      ),
    ],
    loadCpu,
  );
  const httpBlock = `upstream backend { server 127.0.0.1:${up}; keepalive 64; keepalive_requests 100000; }
  server { listen 127.0.0.1:PORT; location / { proxy_pass http://backend; proxy_http_version 1.1;
    proxy_set_header Connection ""; } }`;
  const streamBlock = `stream { upstream tcp { server 127.0.0.1:${up}; } server { listen 127.0.0.1:PORT; proxy_pass tcp; } }`;
  const nginx = start('nginx', [
    '-p',
    dir,
    '-c',
    nginxConf('proxy', httpBlock.replace('PORT', String(ng)), streamBlock.replace('PORT', String(ngTcp))),
  ]);
  const haCfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    haCfg,
    `global\n  nbthread 1\n  maxconn 4096\ndefaults\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n` +
      `frontend f\n  mode http\n  option http-keep-alive\n  bind 127.0.0.1:${ha}\n  default_backend b\n` +
      `backend b\n  mode http\n  http-reuse always\n  server s1 127.0.0.1:${up}\n` +
      `frontend ft\n  mode tcp\n  bind 127.0.0.1:${haTcp}\n  default_backend bt\n` +
      `backend bt\n  mode tcp\n  server s1 127.0.0.1:${up}\n`,
  );
  const haproxy = start('haproxy', ['-db', '-f', haCfg]);
  // Tandem as operators run it: the CLI on the same nginx.conf blocks.
  const tandemConf = (name: string, port: number | undefined, tcpPort: number | undefined): string => {
    const file = join(dir, `${name}-nginx.conf`);
    writeFileSync(
      file,
      `load_module /usr/lib/nginx/modules/ngx_stream_module.so;\nevents {}\nhttp {\n  ${httpBlock.replace('PORT', String(port))}\n}\n` +
        streamBlock.replace('PORT', String(tcpPort)),
    );
    return file;
  };
  const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const tandem = start(process.execPath, [cli, '--nginx', tandemConf('tandem', td, tdTcp)]);
  const other =
    compare === ''
      ? undefined
      : start(process.execPath, [compare, '--nginx', tandemConf('compare', cmp, cmpTcp)]);
  const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
  const http: Target[] = [
    { name: 'nginx 1.22 (keepalive 64)', port: ng, pid: nginx.pid },
    { name: 'HAProxy (http-reuse always)', port: ha, pid: haproxy.pid },
    { name: 'Tandem', port: td, pid: tandem.pid },
  ];
  if (other !== undefined) http.push({ name: 'Tandem (BENCH_COMPARE)', port: cmp, pid: other.pid });
  if (options) {
    for (const [label, mode] of [
      ['http-proxy-3 + keep-alive Agent', 'http-proxy-3'],
      ['node http.request + Agent', 'node-http'],
    ] as const) {
      const c = start(process.execPath, [here('./option-child.js'), mode, String(up)]);
      http.push({ name: label, port: await childPort(c), pid: c.pid });
    }
  }
  const pipe = start(process.execPath, [here('./option-child.js'), 'tcp-pipe', String(up)]);
  const tcp: Target[] = [
    { name: 'HAProxy mode tcp', port: haTcp, pid: haproxy.pid },
    { name: 'nginx stream', port: ngTcp, pid: nginx.pid },
    { name: 'Node socket pipe (ceiling)', port: await childPort(pipe), pid: pipe.pid },
    { name: 'Tandem stream', port: tdTcp, pid: tandem.pid },
  ];
  if (other !== undefined) tcp.push({ name: 'Tandem stream (BENCH_COMPARE)', port: cmpTcp, pid: other.pid });
  for (const t of [{ port: up }, ...http, ...tcp]) await waitListening(t.port);
  console.log(
    `${new Date().toISOString()} load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${pin ? 'proxies pinned to CPU 1, wrk and upstream to CPU 0' : 'no CPU pinning'}`,
  );
  console.log(
    `wrk -t${threads} x ${rounds} round(s) of ${seconds}s on loopback, one worker/thread per proxy; medians; ` +
      'ratios are medians of same-round ratios to the first row',
  );
  if (!tcpOnly)
    table(
      `HTTP: -c${connections}, upstream keep-alive, "ok" responses`,
      http,
      { threads, connections, prefix: loadCpu },
      'rps',
    );
  // Reference §2's L4 figure (Node pipe 0.66-0.70x HAProxy): requests over long-lived connections,
  // so the relay per chunk is measured rather than connection setup.
  table(
    `TCP relay: HTTP requests over ${connections} kept-alive connections through the TCP proxy`,
    tcp,
    { threads, connections, prefix: loadCpu },
    'rps',
  );
  table(
    'TCP connections: a new connection per request (Connection: close), -c50',
    tcp,
    { threads, connections: 50, headers: ['Connection: close'], prefix: loadCpu },
    'rps',
  );
  table(
    'TCP throughput: 64 MiB responses over 4 connections',
    tcp,
    { threads, connections: 4, path: '/big', prefix: loadCpu },
    'mbps',
  );
}

try {
  await main();
} finally {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  rmSync(dir, { recursive: true, force: true });
}
