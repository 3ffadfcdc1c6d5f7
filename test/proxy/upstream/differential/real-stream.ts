import { connect } from 'node:net';
import { startNginx } from '../../../helpers/nginx.js';
import { drive } from './drive.js';
import { methodLine, serverLines } from './nginx-conf.js';
import { parseErrorLog, type RealRun } from './real.js';
import type { Outcome, Scenario } from './scenario.js';
import { TcpBackends } from './tcp-backends.js';

/** The `stream {}` body for a case: an access log keyed by client port, the upstream, one server. */
export function nginxStreamBlock(sc: Scenario, ports: ReadonlyMap<string, number>): string {
  const servers = serverLines(sc, ports);
  const srv: string[] = [];
  if (sc.next?.conditions?.includes('off') === true) srv.push('proxy_next_upstream off;');
  if (sc.next?.tries !== undefined) srv.push(`proxy_next_upstream_tries ${sc.next.tries};`);
  return `
  log_format lb '$remote_addr:$remote_port $status ua="$upstream_addr"';
  access_log DIR/s.log lb;
  upstream u {
    ${methodLine(sc)}
${servers.join('\n')}
  }
  server {
    listen 127.0.0.1:PORT;
    proxy_pass u;
    proxy_connect_timeout 2s;
    ${srv.join('\n    ')}
  }`;
}

interface Conn {
  /** `address:port` of the client side, as nginx logs `$remote_addr:$remote_port`. */
  readonly local: string;
  readonly data: Promise<string>;
}

function open(port: number, from: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: from });
    let data = '';
    const done = new Promise<string>((res) => {
      s.on('data', (d: Buffer) => (data += d.toString()));
      s.on('close', () => {
        res(data);
      });
    });
    s.on('error', () => undefined);
    s.once('connect', () => {
      resolve({ local: `${s.localAddress ?? ''}:${s.localPort ?? 0}`, data: done });
    });
    s.once('error', reject);
    s.setTimeout(15_000, () => s.destroy());
  });
}

/** Runs a case against the real nginx stream module with TCP backends. */
export async function runRealStream(sc: Scenario): Promise<RealRun> {
  const backends = await TcpBackends.start(sc.backends);
  const nginx = await startNginx('', nginxStreamBlock(sc, backends.ports)).catch(async (e: unknown) => {
    await backends.stop();
    throw e;
  });
  try {
    const { results, times } = await drive(sc, {
      start: async (step) => {
        const c = await open(nginx.port, step.from ?? '127.0.0.1');
        return { done: c.data.then((data) => ({ local: c.local, data })) };
      },
      nextHeld: () => backends.nextHeld(),
      release: () => {
        backends.release();
      },
    });
    await new Promise((r) => setTimeout(r, 50));
    // A client port can come back within one case (the kernel reuses an ephemeral port once the
    // server side has closed first), so each `addr:port` keeps its log lines in order and the
    // connections, taken in the order they were opened, consume them one by one.
    const byClient = new Map<string, { status: number; ua: string }[]>();
    for (const line of nginx.streamLog().split('\n')) {
      const m = /^(\S+) (\d+) ua="(.*)"$/.exec(line);
      if (m === null) continue;
      const ua = (m[3] ?? '').replace(
        /127\.0\.0\.1:(\d+)/g,
        (all, p: string) => backends.idOfPort(Number(p)) ?? all,
      );
      const key = m[1] ?? '';
      const lines = byClient.get(key) ?? [];
      lines.push({ status: Number(m[2]), ua });
      byClient.set(key, lines);
    }
    const outcomes: Outcome[] = results.map((c) => {
      const l = byClient.get(c.local)?.shift();
      return {
        backend: c.data === '' ? '-' : c.data,
        status: l?.status ?? 0,
        ua: l?.ua ?? '?',
        us: '',
      };
    });
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
