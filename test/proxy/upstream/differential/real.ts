import { startNginx } from '../../../helpers/nginx.js';
import { sendTagged, type TaggedReply } from '../../../helpers/tagged-request.js';
import { Backends } from './backends.js';
import { drive } from './drive.js';
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
  try {
    const { results: got, times } = await drive<Pick<TaggedReply, 'status' | 'backend'>>(sc, {
      start: (step, id) =>
        Promise.resolve({
          done: sendTagged(nginx.port, id, step.path, step.method ?? 'GET', step.from ?? '127.0.0.1').then(
            (r) => ({ status: r.status, backend: r.backend }),
          ),
        }),
      nextHeld: () => backends.nextHeld(),
      release: () => {
        backends.release();
      },
    });
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
