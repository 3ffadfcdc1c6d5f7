import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../../helpers/daemon.js';
import { canConnect } from '../../helpers/nginx-process.js';
import { parseErrorLog } from '../upstream/differential/real.js';

/** An upstream error-log line as `[level] message`, with the request it was logged for, if named. */
export interface ErrorLine {
  readonly line: string;
  readonly request: string | undefined;
}

/** One engine running the differential's nginx.conf: its logs once stopped. */
export interface Engine {
  readonly name: 'nginx' | 'tandem';
  /** Stops it (by pid) and returns its access-log text and upstream error lines. */
  stop(): Promise<{ accessLog: string; errors: ErrorLine[] }>;
}

/** nginx's error log as lines, each with its `request: "..."` field. */
function nginxErrors(text: string): ErrorLine[] {
  const lines = text.split('\n').filter((l) => / \[(warn|error)\] /.test(l));
  return parseErrorLog(lines.join('\n')).map((line, i) => ({
    line,
    request: /, request: "([^"]*)"/.exec(lines[i] ?? '')?.[1],
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Moves a log aside so the next engine starts on a fresh file; returns its text. */
function takeLog(dir: string, name: string, engine: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  renameSync(path, join(dir, `${engine}-${name}`));
  return text;
}

/**
 * Starts the real nginx on `conf` with prefix `dir` (`nginx -p DIR/ -c CONF -e DIR/error.log`,
 * reference §6.1) and waits for its pid file, written once its listening socket is bound.
 */
export async function startNginxEngine(conf: string, dir: string): Promise<Engine> {
  const child = spawn('nginx', ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const state = { dead: false };
  void exited.then(() => (state.dead = true));
  const stop = async () => {
    if (!state.dead) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    return {
      accessLog: takeLog(dir, 'access.log', 'nginx'),
      errors: nginxErrors(takeLog(dir, 'error.log', 'nginx')),
    };
  };
  for (let i = 0; i < 200 && !state.dead; i++) {
    if (existsSync(join(dir, 'nginx.pid'))) return { name: 'nginx', stop };
    await sleep(25);
  }
  await stop();
  throw new Error(`nginx did not start: ${stderr}`);
}

/** Tandem's warn/error records as `[level] message`, without the fields nginx prints as `, upstream: ...`. */
function tandemErrors(output: string): ErrorLine[] {
  const out: ErrorLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as { level?: number; msg?: string; request?: string };
    const level = r.level === 40 ? 'warn' : r.level === 50 ? 'error' : undefined;
    if (level === undefined || !(r.msg ?? '').includes('upstream')) continue;
    out.push({ line: `[${level}] ${(r.msg ?? '').replace(/, upstream: .*$/, '')}`, request: r.request });
  }
  return out;
}

/**
 * Starts the Tandem daemon (the compiled CLI, a child process) on the same nginx.conf and waits
 * until it accepts connections on `port` (a bare TCP probe moves no balancer: picks are per request).
 */
export async function startTandemEngine(conf: string, dir: string, port: number): Promise<Engine> {
  const d = startDaemon(['--nginx', conf, '--log-format', 'json']);
  const stop = async () => {
    await d.stop('SIGTERM');
    return { accessLog: takeLog(dir, 'access.log', 'tandem'), errors: tandemErrors(d.output()) };
  };
  for (let i = 0; i < 300; i++) {
    if (d.child.exitCode !== null) break;
    if (await canConnect(port)) return { name: 'tandem', stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`tandem did not start:\n${d.output()}`);
}
