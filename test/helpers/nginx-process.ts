import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export { nginxAvailable as haveNginx, STREAM_MODULE } from './nginx.js';

/** A real nginx started by a test, in its own temporary prefix. */
export interface NginxProcess {
  readonly dir: string;
  readonly pid: number;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real nginx in the foreground as one process (`master_process off`, so balancer state
 * is one worker's), from a complete config built for its temporary prefix. Waits for the pid file,
 * which nginx writes once its listening sockets are bound: a probe connection would be proxied and
 * move the balancer. The caller must `stop()` it (by pid).
 */
export async function startNginxConf(conf: (dir: string) => string): Promise<NginxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/e.log info;\n${conf(dir)}`,
  );
  const child = spawn('nginx', ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/e.log`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const state = { dead: false };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      state.dead = true;
      resolve();
    }),
  );
  const read = () => (existsSync(join(dir, 'e.log')) ? readFileSync(join(dir, 'e.log'), 'utf8') : '');
  const stop = async () => {
    if (!state.dead && child.pid !== undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200 && !state.dead; i++) {
    if (existsSync(join(dir, 'nginx.pid'))) return { dir, pid: child.pid ?? 0, errorLog: read, stop };
    await new Promise((r) => setTimeout(r, 25));
  }
  const log = read();
  await stop();
  throw new Error(`nginx did not start: ${stderr}${log}`);
}

/** Whether 127.0.0.1:port accepts a TCP connection now. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export { freePort };
