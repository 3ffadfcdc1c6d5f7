import type { Metrics } from '../../admin/metrics/metrics.js';
import type { ListenerStatus, UpstreamStatus } from '../../admin/status-source.js';
import type { Clock, Random } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { StrategyPlugin } from '../../core/plugin.js';
import type { UpstreamParams } from '../upstream/params.js';
import { createUpstream, type Upstream } from '../upstream/upstream.js';
import { upstreamStatus } from '../upstream/upstream-status.js';
import { StreamListener, type StreamCounters } from './stream-listener.js';
import type { ListenAddress, StreamServerParams } from './types.js';
import { locatedBindError } from '../vip/bind-error.js';
import type { ListenerGate } from '../vip/listener-gate.js';

/** One stream server as the service runs it: the upstream by value, shared by name. */
export interface StreamServerSpec extends Omit<StreamServerParams, 'upstream'> {
  readonly upstream: UpstreamParams;
}

/** What the stream service needs from its host. */
export interface StreamServiceDeps {
  readonly log: Logger;
  readonly clock: Clock;
  readonly random: Random;
  /** The strategy plugin for a balancing method (`ctx.strategy`). */
  readonly strategy: (method: string) => StrategyPlugin | undefined;
  /** The metrics facade the sessions count into (frontend and per-peer handles). */
  readonly metrics: Metrics;
  /**
   * The gate that binds listeners on VIPs while their instance is MASTER (none: everything binds at
   * start). A getter, because the service providing it is found only once every plugin is created.
   */
  readonly gate?: () => ListenerGate | undefined;
}

const keyOf = (a: ListenAddress) => `${a.host}|${a.port}`;

/**
 * All `stream {}` servers of one config: builds each upstream's runtime once (servers naming the
 * same block share its peer state, as in one nginx worker), binds the listeners, and reloads in
 * place: listeners whose address is unchanged keep their socket and take the new settings for new
 * sessions; new addresses are bound before anything else changes, so a failed bind leaves the
 * running config untouched; removed addresses stop accepting and let their sessions finish.
 */
export class StreamService {
  readonly #deps: StreamServiceDeps;
  #listeners = new Map<string, StreamListener>();
  #upstreams = new Map<string, Upstream>();
  readonly #draining = new Set<StreamListener>();
  readonly #gated = new Map<StreamListener, () => void>();

  constructor(deps: StreamServiceDeps) {
    this.#deps = deps;
  }

  #buildUpstreams(specs: readonly StreamServerSpec[]): Map<string, Upstream> {
    const out = new Map<string, Upstream>();
    for (const s of specs) {
      if (out.has(s.upstream.name)) continue;
      const plugin = this.#deps.strategy(s.upstream.method);
      if (plugin === undefined)
        throw new Error(`no balancing strategy "${s.upstream.method}" for upstream "${s.upstream.name}"`);
      out.set(
        s.upstream.name,
        createUpstream(s.upstream, plugin, { clock: this.#deps.clock, random: this.#deps.random }),
      );
    }
    return out;
  }

  #paramsOf(spec: StreamServerSpec, upstreams: Map<string, Upstream>): StreamServerParams {
    const upstream = upstreams.get(spec.upstream.name);
    if (upstream === undefined) throw new Error(`upstream "${spec.upstream.name}" missing`);
    return { ...spec, upstream };
  }

  /** Binds every listener of `specs`; on a failed bind closes what it bound and rethrows. */
  async start(specs: readonly StreamServerSpec[]): Promise<void> {
    await this.reload(specs);
  }

  /** Applies a new set of stream servers (see the class comment). */
  async reload(specs: readonly StreamServerSpec[]): Promise<void> {
    const upstreams = this.#buildUpstreams(specs);
    const next = new Map<string, StreamListener>();
    const fresh: StreamListener[] = [];
    try {
      for (const spec of specs) {
        const key = keyOf(spec.listen);
        if (this.#listeners.has(key) || next.has(key)) continue;
        const l = new StreamListener(this.#paramsOf(spec, upstreams), {
          log: this.#deps.log,
          clock: this.#deps.clock,
          metrics: this.#deps.metrics,
        });
        fresh.push(l);
        next.set(key, l);
        if (this.#deps.gate?.()?.modeOf(spec.listen.host).kind === 'follow') continue;
        await l.listen().catch((err: unknown) => {
          throw locatedBindError(spec.listen.host, spec.listen.port, err, spec.listen.loc);
        });
      }
    } catch (err) {
      await Promise.all(fresh.map((l) => l.close(AbortSignal.timeout(0))));
      throw err;
    }
    const gate = this.#deps.gate?.();
    if (gate !== undefined) {
      for (const l of fresh) {
        const { host, port } = l.params.listen;
        const off = gate.add({
          name: l.frontendName,
          host,
          port,
          bind: async () => {
            await l.listen();
          },
          release: () => {
            l.release();
          },
          listening: () => l.listening,
          acceptErrors: () => l.acceptErrors,
        });
        this.#gated.set(l, off);
      }
    }
    for (const spec of specs) {
      const key = keyOf(spec.listen);
      const kept = this.#listeners.get(key);
      if (kept !== undefined && !next.has(key)) {
        kept.update(this.#paramsOf(spec, upstreams));
        next.set(key, kept);
      }
    }
    const removed = [...this.#listeners].filter(([key]) => !next.has(key)).map(([, l]) => l);
    this.#listeners = next;
    this.#upstreams = upstreams;
    // Removed listeners stop accepting now; their sessions (a database connection may last hours)
    // drain in the background rather than holding the reload.
    for (const l of removed) {
      this.#gated.get(l)?.();
      this.#gated.delete(l);
      this.#draining.add(l);
      void l.close().finally(() => this.#draining.delete(l));
    }
  }

  /** Stops accepting, lets sessions finish until `signal` aborts, then closes the rest. */
  async stop(signal?: AbortSignal): Promise<void> {
    const all = [...this.#listeners.values(), ...this.#draining];
    this.#listeners = new Map();
    for (const off of this.#gated.values()) off();
    this.#gated.clear();
    await Promise.all(all.map((l) => l.close(signal)));
  }

  /** The listeners, for status and tests. */
  listeners(): readonly StreamListener[] {
    return [...this.#listeners.values()];
  }

  /** The upstream runtimes by name, for status and metrics. */
  upstreams(): ReadonlyMap<string, Upstream> {
    return this.#upstreams;
  }

  /** The upstreams and listeners as the status API shows them. */
  status(): { upstreams: UpstreamStatus[]; listeners: ListenerStatus[] } {
    return {
      upstreams: [...this.#upstreams.values()].map((u) => upstreamStatus(u, 'stream', this.#deps.metrics)),
      listeners: [...this.#listeners.values()].map((l) => {
        const a = l.address();
        return {
          name: l.frontendName,
          kind: 'stream',
          address: a?.address ?? l.params.listen.host,
          port: a?.port ?? l.params.listen.port,
          bound: l.listening,
          follows: this.#deps.gate?.()?.status(l.frontendName)?.follows ?? null,
          activeConnections: l.active,
        };
      }),
    };
  }

  /** Connection counters summed over listeners (nginx stub_status style). */
  counters(): StreamCounters {
    const c: StreamCounters = { accepted: 0, handled: 0, active: 0 };
    for (const l of this.#listeners.values()) {
      c.accepted += l.counters.accepted;
      c.handled += l.counters.handled;
      c.active += l.counters.active;
    }
    return c;
  }
}
