import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../helpers/ports.js';

export { freePort };

/** Resolves once something accepts connections on the port. */
export async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port}`);
}

/** A real nginx 1.22 running in the foreground as a child of the test. */
export interface RealNginx {
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts `nginx -p DIR -c DIR/nginx.conf` with `daemon off; master_process off; worker_processes 1`
 * and everything (pid, logs, temp paths) inside DIR; `httpBody` goes inside `http {}`.
 * `%DIR%` in `httpBody` becomes DIR (for access logs). `stop()` kills it by pid and removes DIR;
 * call it in a `finally`/`after`.
 */
export async function startNginx(httpBody: string, ports: number[]): Promise<RealNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-nginx-'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1; daemon off; master_process off; pid ${dir}/nginx.pid; error_log ${dir}/error.log info;
events { worker_connections 256; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
${httpBody.replaceAll('%DIR%', dir)}
}\n`,
  );
  const child: ChildProcess = spawn('nginx', ['-p', `${dir}/`, '-c', conf, '-e', `${dir}/error.log`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const p of ports) await waitListening(p);
  } catch (err) {
    await stop();
    throw new Error(`nginx did not start: ${stderr}`, { cause: err });
  }
  return {
    dir,
    errorLog: () => readFileSync(join(dir, 'error.log'), 'utf8'),
    stop,
  };
}
