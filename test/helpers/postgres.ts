import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The newest PostgreSQL server binaries from Debian's packages, or undefined. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  const v = versions.find((x) => existsSync(join(base, x, 'bin', 'postgres')));
  return v === undefined ? undefined : join(base, v, 'bin');
}

/** A throwaway PostgreSQL server on 127.0.0.1, trust authentication, started by a test. */
export interface PostgresServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server in a temporary data directory. It must not run as root, so as
 * root it runs as Debian's `postgres` user. Stopped by pid; the directory is removed.
 */
export async function startPostgres(port: number): Promise<PostgresServer> {
  const bin = postgresBin();
  if (bin === undefined) throw new Error('PostgreSQL server binaries are not installed');
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-'));
  chmodSync(dir, 0o700);
  const asRoot = userInfo().uid === 0;
  const pgUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = asRoot ? Number(pgUser.stdout.trim()) : undefined;
  const gid = asRoot
    ? Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    : undefined;
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const opts = { ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }) };
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    ...opts,
    encoding: 'utf8',
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr}`);
  }
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off'],
    { ...opts, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT'); // fast shutdown
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (log.includes('ready to accept connections')) return { port, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`postgres did not start: ${log}`);
}

/** Runs one psql command against host:port; returns its exit status and output (async: the proxy under test may share this event loop). */
export function psql(port: number, sql: string): Promise<{ status: number | null; out: string }> {
  const bin = postgresBin();
  const exe = existsSync('/usr/bin/psql') ? '/usr/bin/psql' : join(bin ?? '', 'psql');
  return new Promise((resolve) => {
    const child = spawn(exe, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-At', '-c', sql], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}
