import { connect } from 'node:net';
import { SERVER_DEFAULTS } from '../../../../src/index.js';
import { startNginx } from '../../../helpers/nginx.js';
import { parseErrorLog, type RealRun } from './real.js';
import type { Outcome, Scenario } from './scenario.js';
import { TcpBackends } from './tcp-backends.js';

/** The `stream {}` body for a case: an access log keyed by client port, the upstream, one server. */
export function nginxStreamBlock(sc: Scenario, ports: ReadonlyMap<string, number>): string {
  const servers = sc.servers.map((s) => {
    const p = { ...SERVER_DEFAULTS, ...s.params };
    const parts = [`server 127.0.0.1:${ports.get(s.backend) ?? 0}`];
    if (p.weight !== 1) parts.push(`weight=${p.weight}`);
    if (p.maxFails !== 1) parts.push(`max_fails=${p.maxFails}`);
    if (p.failTimeout !== 10_000) parts.push(`fail_timeout=${p.failTimeout / 1000}s`);
    if (p.maxConns > 0) parts.push(`max_conns=${p.maxConns}`);
    if (p.backup) parts.push('backup');
    if (p.down) parts.push('down');
    return `    ${parts.join(' ')};`;
  });
  const method =
    sc.method === 'hash'
      ? `hash ${sc.options?.key ?? '$remote_addr'}${sc.options?.consistent === true ? ' consistent' : ''};`
      : sc.method === 'least_conn'
        ? 'least_conn;'
        : sc.method === 'random'
          ? `random${sc.options?.two === true ? ' two' : ''};`
          : '';
  const srv: string[] = [];
  if (sc.next?.conditions?.includes('off') === true) srv.push('proxy_next_upstream off;');
  if (sc.next?.tries !== undefined) srv.push(`proxy_next_upstream_tries ${sc.next.tries};`);
  return `
  log_format lb '$remote_addr:$remote_port $status ua="$upstream_addr"';
  access_log DIR/s.log lb;
  upstream u {
    ${method}
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
  const conns: Conn[] = [];
  const times: number[] = [];
  try {
    let pending: Promise<string>[] = [];
    for (const step of sc.steps) {
      if ('pause' in step) {
        await new Promise((r) => setTimeout(r, step.pause));
      } else if ('release' in step) {
        backends.release();
        await Promise.all(pending);
        pending = [];
      } else {
        times.push(Date.now());
        const held = backends.nextHeld();
        const c = await open(nginx.port, step.from ?? '127.0.0.1');
        conns.push(c);
        if (step.hold === true) {
          pending.push(c.data);
          await Promise.race([c.data, held]);
        } else {
          await c.data;
        }
      }
    }
    backends.release();
    const data = await Promise.all(conns.map((c) => c.data));
    await new Promise((r) => setTimeout(r, 50));
    const byClient = new Map<string, { status: number; ua: string }>();
    for (const line of nginx.streamLog().split('\n')) {
      const m = /^(\S+) (\d+) ua="(.*)"$/.exec(line);
      if (m === null) continue;
      const ua = (m[3] ?? '').replace(
        /127\.0\.0\.1:(\d+)/g,
        (all, p: string) => backends.idOfPort(Number(p)) ?? all,
      );
      byClient.set(m[1] ?? '', { status: Number(m[2]), ua });
    }
    const outcomes: Outcome[] = conns.map((c, i) => {
      const l = byClient.get(c.local);
      return {
        backend: data[i] === '' ? '-' : (data[i] ?? '-'),
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
