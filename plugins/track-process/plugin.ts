import {
  HOST_API_VERSION,
  definePlugin,
  publishTracker,
  type Model,
  type PluginContext,
  type Service,
  type ServicePlugin,
  type TimerHandle,
} from '../../src/index.js';
import type { ProcessTrackerConfig } from './params.js';
import { scanProcesses } from './proc-scan.js';
import { compileMatcher, type ProcessMatcher } from './process-match.js';
import { ProcessQuorum } from './process-quorum.js';

interface Tracked {
  readonly matcher: ProcessMatcher;
  readonly quorum: ProcessQuorum;
}

/** The running `tracker.process` service: one /proc scan per interval feeds every tracked process. */
class ProcessTrackerService implements Service<ProcessTrackerConfig> {
  readonly #ctx: PluginContext;
  readonly #config: ProcessTrackerConfig;
  readonly #tracked = new Map<string, Tracked>();
  readonly #unsubscribe: (() => void)[] = [];
  #timer: TimerHandle | undefined;
  #scanning: Promise<void> | undefined;
  #stopped = true;

  constructor(ctx: PluginContext, config: ProcessTrackerConfig) {
    this.#ctx = ctx;
    this.#config = config;
  }

  /** The quorum state of each tracked process, by name. */
  get quorums(): ReadonlyMap<string, ProcessQuorum> {
    return new Map([...this.#tracked].map(([k, v]) => [k, v.quorum]));
  }

  /** Scans once at init so the first published state is the real one (keepalived's initial `read_procs`). */
  async init(): Promise<void> {
    for (const p of this.#config.processes) {
      if (this.#config.tracked !== undefined && !this.#config.tracked.has(p.name)) continue;
      const quorum = new ProcessQuorum(p, this.#ctx.clock, this.#ctx.log);
      this.#tracked.set(p.name, { matcher: compileMatcher(p), quorum });
      this.#unsubscribe.push(publishTracker(this.#ctx, 'process', p.name, quorum.signal));
    }
    await this.scan();
  }

  /** Scans /proc once and feeds each tracker its count (also used by tests). */
  async scan(): Promise<void> {
    if (this.#tracked.size === 0) return;
    const all = [...this.#tracked.values()];
    const needs = {
      comm: all.some((t) => !t.matcher.fullCommand),
      cmdline: all.some((t) => t.matcher.fullCommand),
    };
    const procs = await scanProcesses(needs, this.#config.procRoot);
    for (const t of all) {
      let n = 0;
      for (const e of procs) if (t.matcher.matches(e)) n++;
      t.quorum.update(n);
    }
  }

  start(): void {
    if (this.#tracked.size === 0 || !this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#ctx.clock.setTimeout(
      () => {
        this.#scanning = this.scan()
          .catch((err: unknown) => {
            this.#ctx.log.warn(`process scan failed: ${err instanceof Error ? err.message : String(err)}`);
          })
          .finally(() => {
            this.#scanning = undefined;
            this.#schedule();
          });
      },
      Math.max(10, this.#config.scanInterval ?? 1000),
    );
  }

  /** Declines: the kernel replaces the service, which rescans. */
  reload(): boolean {
    return false;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#ctx.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#scanning;
    for (const t of this.#tracked.values()) t.quorum.stop();
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}

/**
 * Builds the `tracker.process` plugin (keepalived's `vrrp_track_process`); `select` maps the model
 * onto {@link ProcessTrackerConfig}. Each process's quorum signal is published as kind `process`.
 */
export function createProcessTrackerPlugin(
  select: (model: Model) => ProcessTrackerConfig | undefined,
): ServicePlugin<ProcessTrackerConfig> {
  return definePlugin<ServicePlugin<ProcessTrackerConfig>>({
    id: 'tracker.process',
    kind: 'tracker',
    version: '1.0.0',
    api: `^${HOST_API_VERSION}`,
    directives: ['vrrp_track_process'],
    select,
    create: (ctx, config) => new ProcessTrackerService(ctx, config),
  });
}

export { ProcessTrackerService };
