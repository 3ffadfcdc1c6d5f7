import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

/** Whether the real nginx binary is installed (tests skip loudly without it, fail under CI). */
export function nginxAvailable(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Debian's dynamic stream module (`libnginx-mod-stream`), if installed. */
export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** Whether nginx and its stream module are installed. */
export function nginxStreamAvailable(): boolean {
  return nginxAvailable() && existsSync(STREAM_MODULE);
}

export { freePort };

/** A running nginx in its own temporary prefix. */
export interface RunningNginx {
  readonly dir: string;
  readonly port: number;
  /** The error log's text so far. */
  errorLog(): string;
  /** The access log's text so far. */
  accessLog(): string;
  /** The stream access log's text so far. */
  streamLog(): string;
  /** Stops nginx (by pid) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts the real nginx in the foreground, one process (`master_process off`, so balancer state is
 * the one worker's), with logs, pid and temp paths inside a fresh temporary directory. `http` is the
 * body of the `http {}` block and `stream`, if given, of a `stream {}` block (the module is loaded);
 * `PORT` and `DIR` in them are replaced.
 */
export async function startNginx(http: string, stream?: string): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-'));
  const port = await freePort();
  const fill = (body: string) => body.replaceAll('PORT', String(port)).replaceAll('DIR', dir);
  const preamble = stream === undefined ? '' : `load_module ${STREAM_MODULE};`;
  const conf = `${preamble}
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/e.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path ${dir}/t1; proxy_temp_path ${dir}/t2; fastcgi_temp_path ${dir}/t3;
  uwsgi_temp_path ${dir}/t4; scgi_temp_path ${dir}/t5;
${fill(http)}
}
${stream === undefined ? '' : `stream {\n${fill(stream)}\n}`}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(
    'nginx',
    ['-p', `${dir}/`, '-c', `${dir}/nginx.conf`, '-e', `${dir}/e.log`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const state = { dead: false };
  void exited.then(() => {
    state.dead = true;
  });
  const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const stop = async (): Promise<void> => {
    if (!state.dead && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const t = setTimeout(() => {
        if (!state.dead && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      }, 2000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (state.dead) break;
    // The pid file is written after the listening sockets are open (connections wait in the
    // backlog); a probe connection would be proxied by a stream server and consume a pick.
    if (existsSync(join(dir, 'nginx.pid')))
      return {
        dir,
        port,
        errorLog: () => read('e.log'),
        accessLog: () => read('a.log'),
        streamLog: () => read('s.log'),
        stop,
      };
    await new Promise((r) => setTimeout(r, 25));
  }
  const log = read('e.log');
  await stop();
  throw new Error(`nginx did not start: ${stderr}${log}`);
}
