import { request } from 'node:http';
import { startNginx } from '../../../helpers/nginx.js';
import { Backends } from './backends.js';
import { nginxHttpBlock } from './nginx-conf.js';
import type { Outcome, Scenario } from './scenario.js';

/** What the real nginx run produced: outcomes per request step, send times, log lines, ports. */
export interface RealRun {
  readonly outcomes: Outcome[];
  /** Wall-clock ms at which each request step was sent, for the simulation's clock. */
  readonly times: number[];
  /** `[level] message` of every warn/error line, without nginx's client/request suffix. */
  readonly log: string[];
  readonly ports: ReadonlyMap<string, number>;
  readonly counts: ReadonlyMap<string, number>;
}

interface Reply {
  readonly status: number;
  readonly backend: string;
}

function send(port: number, id: number, path: string, method: string, from: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = method === 'POST' ? 'payload' : undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        localAddress: from,
        agent: false,
        headers: { 'x-req': String(id), ...(body !== undefined ? { 'content-length': body.length } : {}) },
        timeout: 15_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const b = res.headers['x-backend'];
          resolve({ status: res.statusCode ?? 0, backend: typeof b === 'string' ? b : '-' });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request ${id} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Waits until the wall clock is at least 150 ms away from a second boundary (nginx's cached seconds). */
async function alignToSecond(): Promise<void> {
  const ms = Date.now() % 1000;
  if (ms > 150 && ms < 850) return;
  await new Promise((r) => setTimeout(r, ms >= 850 ? 1150 - ms : 150 - ms + 1));
}

/** Parses nginx's error log into `[level] message` lines. */
export function parseErrorLog(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /\[(warn|error)\] \d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$/.exec(line);
    if (m !== null) out.push(`[${m[1] ?? ''}] ${m[2] ?? ''}`);
  }
  return out;
}

/** Runs a case against the real nginx with real backends. */
export async function runReal(sc: Scenario): Promise<RealRun> {
  const backends = await Backends.start(sc.backends);
  const nginx = await startNginx(nginxHttpBlock(sc, backends.ports)).catch(async (e: unknown) => {
    await backends.stop();
    throw e;
  });
  const replies: Promise<Reply>[] = [];
  const times: number[] = [];
  try {
    let pending: Promise<Reply>[] = [];
    for (const step of sc.steps) {
      if ('pause' in step) {
        await new Promise((r) => setTimeout(r, step.pause));
      } else if ('release' in step) {
        backends.release();
        await Promise.all(pending);
        pending = [];
      } else {
        if (sc.timed === true) await alignToSecond();
        const id = replies.length;
        times.push(Date.now());
        const held = backends.nextHeld();
        const p = send(nginx.port, id, step.path, step.method ?? 'GET', step.from ?? '127.0.0.1');
        replies.push(p);
        if (step.hold === true) {
          pending.push(p);
          await Promise.race([p, held]);
        } else {
          await p;
        }
      }
    }
    backends.release();
    const got = await Promise.all(replies);
    await new Promise((r) => setTimeout(r, 50)); // let nginx flush its access log line
    const uaOf = new Map<number, { ua: string; us: string }>();
    for (const line of nginx.accessLog().split('\n')) {
      const m = /^(\d+) \d+ ua="(.*)" us="(.*)"$/.exec(line);
      if (m !== null) uaOf.set(Number(m[1]), { ua: mapPorts(m[2] ?? '', backends), us: m[3] ?? '' });
    }
    const outcomes = got.map((r, i) => ({ ...r, ua: uaOf.get(i)?.ua ?? '?', us: uaOf.get(i)?.us ?? '?' }));
    return {
      outcomes,
      times,
      log: parseErrorLog(nginx.errorLog()),
      ports: backends.ports,
      counts: backends.counts,
    };
  } finally {
    await nginx.stop();
    await backends.stop();
  }
}

function mapPorts(ua: string, b: Backends): string {
  return ua.replace(/127\.0\.0\.1:(\d+)/g, (all, port: string) => b.idOfPort(Number(port)) ?? all);
}
