import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath } from './paths.js';

/** A Tandem daemon started by a test as a child process, with its output collected. */
export interface RunningDaemon {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text` (or rejects after `ms`). */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code once it exits (SIGKILL after `ms`). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
}

/** Starts `tandem ARGS` (the compiled CLI); the caller stops it by pid through `stop()`. */
export function startDaemon(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningDaemon {
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    waitFor(text, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const test = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
        if (test()) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(text)}; output:\n${out}`));
        }, ms);
        const check = () => {
          if (test()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
      });
    },
    async stop(signal = 'SIGTERM', ms = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
