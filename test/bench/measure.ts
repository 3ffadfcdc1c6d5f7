/**
 * Measuring helpers of `npm run bench`: wrk runs, a process's RSS and CPU time from /proc, medians.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** wrk's settings for a run. */
export interface WrkOptions {
  readonly threads: number;
  readonly connections: number;
  readonly path?: string;
  /** Extra request headers, e.g. `Connection: close` to open a connection per request. */
  readonly headers?: readonly string[];
  /** A command prefix for wrk, e.g. `['taskset', '-c', '0']` (BENCH_PIN). */
  readonly prefix?: readonly string[];
}

export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) / 1024;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

/** utime+stime of a process in seconds (/proc/PID/stat fields 14 and 15, in clock ticks of 100 Hz). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Result {
  name: string;
  rps: number;
  /** Requests served per CPU-second of the proxy: steadier than req/s on a busy host. */
  perCpu: number;
  /** MiB relayed per CPU-second of the proxy (the throughput runs' per-CPU figure). */
  mbPerCpu: number;
  p50: number;
  p99: number;
  rss: number;
  /** Response bytes per second through the proxy, MiB/s (wrk's Transfer/sec). */
  mbps: number;
  errors: string;
}

/** Runs wrk against 127.0.0.1:port and reads req/s, latency, transfer rate and the proxy's CPU and RSS. */
export function wrk(
  name: string,
  port: number,
  pid: number | undefined,
  duration: number,
  o: WrkOptions,
): Result {
  const args = [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${duration}s`,
    '--latency',
    ...(o.headers ?? []).flatMap((h) => ['-H', h]),
    `http://127.0.0.1:${port}${o.path ?? '/'}`,
  ];
  const cpu0 = cpuSeconds(pid);
  const [cmd, ...rest] = [...(o.prefix ?? []), 'wrk', ...args] as [string, ...string[]];
  const out = spawnSync(cmd, rest, { encoding: 'utf8' }).stdout;
  const cpu = cpuSeconds(pid) - cpu0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const transfer = /Transfer\/sec:\s+([\d.]+)(GB|MB|KB|B)/.exec(out);
  const mbps =
    transfer === null
      ? 0
      : Number(transfer[1]) * ({ GB: 1024, MB: 1, KB: 1 / 1024, B: 1 / 1048576 }[transfer[2] ?? 'MB'] ?? 1);
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
    mbPerCpu: cpu > 0 ? (mbps * duration) / cpu : 0,
    mbps,
    errors,
  };
}

export function childPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.stdout?.once('data', (d: Buffer) => {
      resolve(Number(d.toString().trim()));
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}
