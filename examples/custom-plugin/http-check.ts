/**
 * A custom tracker: checks an HTTP URL every interval and publishes up/down with vrrp_script's
 * rise/fall rules, so a VRRP instance can follow it like a `track_script`.
 *
 *     plugin ../../dist/examples/custom-plugin/http-check.js;
 *     http_check chk_app { url http://127.0.0.1:8080/healthz; interval 2s; rise 2; fall 2; }
 *     track VI_1 chk_app weight -20;      # VI_1's priority drops by 20 while chk_app is down
 *
 * Never blocks: each check is one asynchronous request with its own deadline, at most one in flight
 * per check (a tick that finds the previous one running skips, as keepalived does for scripts), and
 * the response body is discarded unread beyond what the socket delivers.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ScriptCounter,
  WritableSignal,
  definePlugin,
  healthTrackerState,
  messageOf,
  publishTracker,
  sameTrackerState,
  type PluginContext,
  type Service,
  type ServicePlugin,
  type TimerHandle,
  type TrackerState,
} from '../../src/index.js';
import { HTTP_CHECK_DIRECTIVE, httpChecksOf, type HttpCheckParams } from './http-check-params.js';

/** A new reason alone is no edge, but leaving the initial state is (as the script tracker). */
function sameState(a: TrackerState, b: TrackerState): boolean {
  return sameTrackerState(a, b) && (a.reason === 'init') === (b.reason === 'init');
}

/** One running check: a timer, at most one request in flight, keepalived's rise/fall counter. */
export class HttpCheck {
  readonly signal: WritableSignal<TrackerState>;
  readonly #p: HttpCheckParams;
  readonly #ctx: PluginContext;
  readonly #counter: ScriptCounter;
  #timer: TimerHandle | undefined;
  #inFlight: ClientRequest | undefined;
  #stopped = true;

  /**
   * `previous`: the signal of the same-named check before a reload, kept so subscribers (VRRP, the
   * bus mirror) keep listening to one object; the counter starts afresh from its current state.
   */
  constructor(p: HttpCheckParams, ctx: PluginContext, previous?: WritableSignal<TrackerState>) {
    this.#p = p;
    this.#ctx = ctx;
    const wasUp = previous?.get().up;
    this.#counter = new ScriptCounter(p.rise, p.fall, wasUp === undefined ? p.initFail : !wasUp);
    this.signal =
      previous ?? new WritableSignal(healthTrackerState(false, p.initFail ? 'init_fail' : 'init'), sameState);
  }

  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#ctx.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inFlight?.destroy();
    this.#inFlight = undefined;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = this.#ctx.clock.setTimeout(() => {
      this.#tick();
    }, this.#p.intervalMs);
    if (this.#inFlight !== undefined) {
      this.#ctx.log.warn(`http_check ${this.#p.name}: previous check still running, skipping this one`);
      return;
    }
    this.#check();
  }

  #check(): void {
    const url = new URL(this.#p.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let done = false;
    const finish = (ok: boolean, reason: string) => {
      if (done) return;
      done = true;
      this.#inFlight = undefined;
      if (!this.#stopped) this.#record(ok, reason);
    };
    // agent: false: a fresh connection per check, so a stuck keep-alive socket cannot hide an outage.
    const req = send(
      url,
      { method: 'GET', agent: false, timeout: this.#p.timeoutMs },
      (res: IncomingMessage) => {
        res.resume();
        const status = res.statusCode ?? 0;
        finish(this.#p.expect.includes(status), `status ${status}`);
        req.destroy();
      },
    );
    // `timeout` above is socket idleness; this bounds the whole check, connect included.
    const deadline = setTimeout(
      () => req.destroy(new Error(`timed out after ${this.#p.timeoutMs} ms`)),
      this.#p.timeoutMs,
    );
    req.on('error', (err) => finish(false, messageOf(err)));
    req.on('timeout', () => req.destroy(new Error(`timed out after ${this.#p.timeoutMs} ms`)));
    req.on('close', () => {
      clearTimeout(deadline);
      finish(false, 'connection closed');
    });
    req.end();
    this.#inFlight = req;
  }

  #record(ok: boolean, reason: string): void {
    const edge = this.#counter.record(ok);
    if (edge === undefined) return;
    this.#ctx.log.info(`http_check ${this.#p.name} ${edge === 'up' ? 'succeeded' : 'failed'} (${reason})`);
    this.signal.set(healthTrackerState(edge === 'up', reason));
  }
}

/** The service: one {@link HttpCheck} per `http_check` block, published under kind `script`. */
function createService(
  ctx: PluginContext,
  initial: readonly HttpCheckParams[],
): Service<readonly HttpCheckParams[]> {
  let running = new Map<string, HttpCheck>();
  const unsubscribe = new Map<string, () => void>();
  const build = (checks: readonly HttpCheckParams[]): void => {
    const next = new Map<string, HttpCheck>();
    for (const p of checks) {
      const previous = running.get(p.name)?.signal;
      const check = new HttpCheck(p, ctx, previous);
      next.set(p.name, check);
      // Kind `script` is the namespace tandem.conf's `track INSTANCE NAME` looks in, so an instance
      // weighs this tracker exactly like a vrrp_script. Published once per signal object.
      if (previous === undefined)
        unsubscribe.set(p.name, publishTracker(ctx, 'script', p.name, check.signal));
    }
    running = next;
  };
  const stopAll = (): void => {
    for (const c of running.values()) c.stop();
  };
  return {
    // Published at init: trackers start before services, so VRRP finds the signals when it subscribes.
    init() {
      build(initial);
    },
    start() {
      for (const c of running.values()) c.start();
    },
    // In place, so the signal objects VRRP subscribed to survive the reload.
    reload(next) {
      stopAll();
      build(next);
      for (const c of running.values()) c.start();
      return true;
    },
    stop() {
      stopAll();
      for (const u of unsubscribe.values()) u();
      unsubscribe.clear();
    },
  };
}

/** The plugin: tracker `example.http_check`, owner of the `http_check` directive of tandem.conf. */
const httpCheckPlugin: ServicePlugin<readonly HttpCheckParams[]> = definePlugin<
  ServicePlugin<readonly HttpCheckParams[]>
>({
  kind: 'tracker',
  id: 'example.http_check',
  version: '1.0.0',
  api: '^1.0.0',
  directives: [HTTP_CHECK_DIRECTIVE],
  check: (model) => httpChecksOf(model).diagnostics,
  select(model) {
    const { checks } = httpChecksOf(model);
    return checks.length === 0 ? undefined : checks;
  },
  create: createService,
});

export default httpCheckPlugin;
