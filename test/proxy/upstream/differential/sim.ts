import {
  defaultNextUpstream,
  NO_LIVE_UPSTREAMS,
  VirtualClock,
  createUpstream,
  failureKindOfStatus,
  finishAttempt,
  nextUpstreamMask,
  seededRandom,
  serverParams,
  type AttemptFailure,
  type NextUpstreamParams,
  type PeerRequest,
  type Upstream,
} from '../../../../src/index.js';
import { STRATEGY_PLUGINS } from '../../../helpers/upstream.js';
import { hashKeyOf, type Action, type Outcome, type Scenario } from './scenario.js';

/** The simulation's result: outcomes per request step and nginx-style log lines. */
export interface SimRun {
  readonly outcomes: Outcome[];
  readonly log: string[];
  readonly counts: Map<string, number>;
  readonly upstream: Upstream;
}

/**
 * Feeds a case through the pure balancer: the same servers (same ports, so the same consistent-hash
 * ring), the same request sequence at the same wall-clock seconds, and the backends' behaviours
 * played as the outcomes the proxy would report. This is the loop the HTTP proxy runs per request.
 */
export function simulate(
  sc: Scenario,
  ports: ReadonlyMap<string, number>,
  times: readonly number[],
  seed = 7,
  stream = false,
): SimRun {
  const clock = new VirtualClock(0, 0);
  const byAddr = new Map<string, string>();
  const servers = sc.servers.map((s) => {
    const name = `127.0.0.1:${ports.get(s.backend) ?? 0}`;
    byAddr.set(name, s.backend);
    return serverParams(name, s.params);
  });
  const plugin = STRATEGY_PLUGINS[sc.method ?? 'round_robin'];
  if (plugin === undefined) throw new Error(`no strategy ${sc.method ?? ''}`);
  const params = { name: 'u', method: sc.method ?? 'round_robin', options: sc.options ?? {}, servers };
  const upstream = createUpstream(params, plugin, { clock, random: seededRandom(seed) });
  const conf: NextUpstreamParams = { ...defaultNextUpstream, ...sc.next };
  const mask = nextUpstreamMask(conf.conditions);
  const dead = new Set(sc.backends.filter((b) => b.dead === true).map((b) => b.id));
  const behaviour = new Map(sc.backends.map((b) => [b.id, b.behaviour]));
  const counts = new Map<string, number>();
  const outcomes: Outcome[] = [];
  const log: string[] = [];
  let held: { req: PeerRequest; index: number; backend: string; ua: string[]; us: string[] }[] = [];
  let n = 0;

  for (const step of sc.steps) {
    if ('pause' in step) continue;
    if ('release' in step) {
      for (const h of held) {
        h.req.free('ok');
        h.us.push('200');
        outcomes[h.index] = { backend: h.backend, status: 200, ua: h.ua.join(', '), us: h.us.join(', ') };
      }
      held = [];
      continue;
    }
    const index = n++;
    clock.advanceTo(Math.max(clock.now(), times[index] ?? clock.now()));
    const start = clock.now();
    const from = step.from ?? '127.0.0.1';
    const method = step.method ?? 'GET';
    const req = upstream.begin(
      { remoteAddr: from, hashKey: hashKeyOf(sc.options?.key, step.path, from) },
      conf.tries,
    );
    const ua: string[] = [];
    const us: string[] = [];
    for (;;) {
      const peer = req.pick();
      if (peer === undefined) {
        log.push(`[error] ${NO_LIVE_UPSTREAMS.message}`);
        ua.push(upstream.name);
        us.push('502');
        outcomes[index] = { backend: '-', status: 502, ua: ua.join(', '), us: us.join(', ') };
        break;
      }
      const id = byAddr.get(peer.address) ?? '?';
      ua.push(id);
      let action: Action;
      if (dead.has(id)) {
        action = 'close';
      } else {
        const c = (counts.get(id) ?? 0) + 1;
        counts.set(id, c);
        action = behaviour.get(id)?.(step.path, c) ?? 'ok';
      }
      // The stream module clears fails as soon as the TCP connect succeeds.
      if (stream && !dead.has(id)) req.connected();
      if (action === 'hang') {
        held.push({ req, index, backend: id, ua, us });
        outcomes[index] = { backend: '?', status: 0, ua: '', us: '' };
        break;
      }
      const status = action === 'ok' ? 200 : typeof action === 'number' ? action : 0;
      const kind = status > 0 ? failureKindOfStatus(status) : action === 'timeout' ? 'timeout' : 'error';
      if (kind === undefined) {
        req.free('ok');
        us.push(String(status));
        outcomes[index] = { backend: id, status, ua: ua.join(', '), us: us.join(', ') };
        break;
      }
      if (action === 'timeout') clock.advance(sc.readTimeout ?? 60_000);
      const failure: AttemptFailure = {
        kind,
        method,
        requestSent: !dead.has(id),
        elapsed: clock.now() - start,
        phase: dead.has(id) ? 'connecting' : 'reading',
        cause: dead.has(id) ? 'refused' : 'closed',
      };
      const r = finishAttempt(req, mask, conf, failure);
      for (const l of r.log) log.push(`[${l.level}] ${l.message}`);
      us.push(String(r.status));
      if (r.retry) continue;
      outcomes[index] = {
        backend: r.passThrough ? id : '-',
        status: r.status,
        ua: ua.join(', '),
        us: us.join(', '),
      };
      break;
    }
  }
  // The stream module has no $upstream_status: the stream driver records none.
  if (stream) outcomes.forEach((o, i) => (outcomes[i] = { ...o, us: '' }));
  return { outcomes, log, counts, upstream };
}
