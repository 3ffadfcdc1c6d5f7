/**
 * `npm run bench`: wrk against nginx, HAProxy and Tandem's HTTP data path in front of the same
 * upstream on loopback, one worker/thread each, upstream keep-alive on for all
 * (reference/performance.md §2). Prints requests/s, p50/p99 latency, RSS and the ratio to nginx.
 * Not a test: figures depend on the host. Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50),
 * BENCH_THREADS (wrk threads, 1: on 2 cores a second wrk thread starves the proxies),
 * BENCH_ROUNDS (2, order alternating), BENCH_OPTIONS=1 to also measure http-proxy-3 with a
 * keep-alive Agent and Node's http.request with an Agent (the data-path options of design.md §4).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitListening } from '../proxy/http/helpers/nginx.js';

const seconds = Number(process.env.BENCH_SECONDS ?? '10');
const connections = Number(process.env.BENCH_CONNECTIONS ?? '50');
const threads = Number(process.env.BENCH_THREADS ?? '1');
const rounds = Number(process.env.BENCH_ROUNDS ?? '2');
const options = process.env.BENCH_OPTIONS === '1';
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
const children: ChildProcess[] = [];

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function nginxConf(name: string, body: string): string {
  const path = join(dir, `${name}.conf`);
  writeFileSync(
    path,
    `worker_processes 1; daemon off; master_process off; pid ${dir}/${name}.pid; error_log ${dir}/${name}.err;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000; client_body_temp_path ${dir}; proxy_temp_path ${dir};
  fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
${body} }\n`,
  );
  return path;
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) / 1024;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

/** utime+stime of a process in seconds (/proc/PID/stat fields 14 and 15, in clock ticks of 100 Hz). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Result {
  name: string;
  rps: number;
  /** Requests served per CPU-second of the proxy: steadier than req/s on a busy host. */
  perCpu: number;
  p50: number;
  p99: number;
  rss: number;
  errors: string;
}

function wrk(name: string, port: number, pid: number | undefined, duration: number): Result {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${duration}s`,
    '--latency',
    `http://127.0.0.1:${port}/`,
  ];
  const cpu0 = cpuSeconds(pid);
  const out = spawnSync('wrk', args, { encoding: 'utf8' }).stdout;
  const cpu = cpuSeconds(pid) - cpu0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const errors = [/Socket errors:[^\n]*/.exec(out)?.[0], /Non-2xx[^\n]*/.exec(out)?.[0]]
    .filter(Boolean)
    .join('; ');
  return {
    name,
    rps,
    p50: p50 === null ? 0 : toMs(p50[1] ?? '0', p50[2] ?? 'ms'),
    p99: p99 === null ? 0 : toMs(p99[1] ?? '0', p99[2] ?? 'ms'),
    rss: rssMb(pid),
    perCpu: cpu > 0 ? (rps * duration) / cpu : 0,
    errors,
  };
}

function childPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.stdout?.once('data', (d: Buffer) => {
      resolve(Number(d.toString().trim()));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const [up, ng, ha] = [await freePort(), await freePort(), await freePort()];
  start('nginx', [
    '-p',
    dir,
    '-c',
    nginxConf('upstream', `server { listen 127.0.0.1:${up}; location / { return 200 "ok"; } }`),
  ]);
  const proxyConf = `upstream backend { server 127.0.0.1:${up}; keepalive 64; keepalive_requests 100000; }
  server { listen 127.0.0.1:${ng}; location / { proxy_pass http://backend; proxy_http_version 1.1;
    proxy_set_header Connection ""; } }`;
  const nginx = start('nginx', ['-p', dir, '-c', nginxConf('proxy', proxyConf)]);
  const haCfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    haCfg,
    `global\n  nbthread 1\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n` +
      `  option http-keep-alive\n  http-reuse always\nfrontend f\n  bind 127.0.0.1:${ha}\n  default_backend b\n` +
      `backend b\n  server s1 127.0.0.1:${up}\n`,
  );
  const haproxy = start('haproxy', ['-db', '-f', haCfg]);
  const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
  const tandem = start(process.execPath, [here('./tandem-child.js'), String(up)]);
  const targets: [string, number, number | undefined][] = [
    ['nginx 1.22 (keepalive 64)', ng, nginx.pid],
    ['HAProxy (http-reuse always)', ha, haproxy.pid],
    ['Tandem (own HTTP/1.1 pool)', await childPort(tandem), tandem.pid],
  ];
  if (options) {
    for (const [label, mode] of [
      ['http-proxy-3 + keep-alive Agent', 'http-proxy-3'],
      ['node http.request + Agent', 'node-http'],
    ] as const) {
      const c = start(process.execPath, [here('./option-child.js'), mode, String(up)]);
      targets.push([label, await childPort(c), c.pid]);
    }
  }
  for (const [, p] of [['upstream', up], ...targets] as const) await waitListening(p);
  const runs = new Map<string, Result[]>();
  const ratios = new Map<string, number[]>();
  const cpuRatios = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so no target always runs first on a cold or busy host.
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const byName = new Map<string, Result>();
    for (const [name, port, pid] of order) {
      wrk(name, port, pid, 2); // warm-up
      const r = wrk(name, port, pid, seconds);
      byName.set(name, r);
      runs.set(name, [...(runs.get(name) ?? []), r]);
    }
    const base = byName.get(targets[0]?.[0] ?? '');
    for (const [name, r] of byName) {
      ratios.set(name, [...(ratios.get(name) ?? []), r.rps / (base?.rps ?? 1)]);
      cpuRatios.set(name, [...(cpuRatios.get(name) ?? []), r.perCpu / (base?.perCpu ?? 1)]);
    }
  }
  const line = (c: string[]): string =>
    c.map((x, i) => (i === 0 ? x.padEnd(32) : i === c.length - 1 ? `  ${x}` : x.padStart(10))).join(' ');
  console.log(
    `wrk -t${threads} -c${connections} -d${seconds}s x ${rounds} round(s); upstream: nginx return 200 "ok" (one worker); ` +
      'medians; x nginx = median of same-round ratios (req/s, and req per proxy CPU-second)',
  );
  console.log(
    line([
      'target',
      'req/s',
      'x nginx',
      'p50 ms',
      'p99 ms',
      'RSS MB',
      'req/CPU-s',
      'x nginx',
      'x nginx/round',
    ]),
  );
  for (const [name] of targets) {
    const rs = runs.get(name) ?? [];
    const cols = [
      name,
      median(rs.map((r) => r.rps)).toFixed(0),
      median(ratios.get(name) ?? []).toFixed(3),
      median(rs.map((r) => r.p50)).toFixed(2),
      median(rs.map((r) => r.p99)).toFixed(2),
      Math.max(...rs.map((r) => r.rss)).toFixed(1),
      median(rs.map((r) => r.perCpu)).toFixed(0),
      median(cpuRatios.get(name) ?? []).toFixed(3),
      (ratios.get(name) ?? []).map((x) => x.toFixed(2)).join(' '),
    ];
    const errors = rs.map((r) => r.errors).filter((e) => e !== '');
    console.log(line(cols) + (errors.length === 0 ? '' : `  (${errors.join('; ')})`));
  }
}

try {
  await main();
} finally {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  rmSync(dir, { recursive: true, force: true });
}
