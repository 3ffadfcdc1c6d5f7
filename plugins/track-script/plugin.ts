import {
  DEFAULT_SCRIPT_USER,
  HOST_API_VERSION,
  checkScriptSecurity,
  definePlugin,
  publishTracker,
  resolveScriptUser,
  type Model,
  type PluginContext,
  type ScriptIdentity,
  type Service,
  type ServicePlugin,
} from '../../src/index.js';
import type { ScriptTrackerConfig, ScriptTrackerParams } from './params.js';
import { ScriptTracker, shellCommand } from './script-tracker.js';

/** Resolves the identity for scripts without `user`, once per service (keepalived's `get_default_script_user`). */
async function defaultIdentity(
  config: ScriptTrackerConfig,
  ctx: PluginContext,
): Promise<ScriptIdentity | undefined> {
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  if (config.scriptUser !== undefined) {
    const r = await resolveScriptUser(config.scriptUser);
    if (r.ok) return r.identity;
    ctx.log.warn(r.message);
    return undefined;
  }
  const r = await resolveScriptUser({ user: DEFAULT_SCRIPT_USER });
  if (r.ok) return r.identity;
  if (config.scriptSecurity === true) {
    ctx.log.warn(`Unable to set default user ${DEFAULT_SCRIPT_USER} for script`);
    return undefined;
  }
  return self;
}

/** The running `tracker.script` service: checks every tracked script at init, runs them from start. */
class ScriptTrackerService implements Service<ScriptTrackerConfig> {
  readonly #ctx: PluginContext;
  #config: ScriptTrackerConfig;
  #trackers = new Map<string, ScriptTracker>();
  /** Bus mirrors by script name (one per published signal object). */
  readonly #unsubscribe = new Map<string, () => void>();

  constructor(ctx: PluginContext, config: ScriptTrackerConfig) {
    this.#ctx = ctx;
    this.#config = config;
  }

  /** The trackers that passed their checks, by script name (for status output and tests). */
  get trackers(): ReadonlyMap<string, ScriptTracker> {
    return this.#trackers;
  }

  init(): Promise<void> {
    return this.#build(new Map());
  }

  /** Checks and creates the trackers of `this.#config`; `previous` trackers carry their state over. */
  async #build(previous: ReadonlyMap<string, ScriptTracker>): Promise<void> {
    const { log } = this.#ctx;
    let defaultId: ScriptIdentity | undefined | null = null;
    let checkedScript = false;
    let insecure = false;
    for (const p of this.#config.scripts) {
      if (this.#config.tracked !== undefined && !this.#config.tracked.has(p.name)) {
        log.warn(`Warning - script ${p.name} is not used`);
        continue;
      }
      const identity = await this.#identity(p, async () => {
        if (defaultId === null) defaultId = await defaultIdentity(this.#config, this.#ctx);
        return defaultId;
      });
      if (identity === undefined) continue;
      const scriptSecurity = this.#config.scriptSecurity === true;
      const checked = await checkScriptSecurity(p.script, identity, scriptSecurity, log);
      const f = checked.flags;
      checkedScript ||= f.script;
      insecure ||= f.insecure;
      if (f.inhibit) {
        log.warn(`Disabling track script ${p.name} due to insecure`);
        continue;
      }
      if (f.notFound) {
        log.warn(`Disabling track script ${p.name} since not found/accessible`);
        continue;
      }
      if (!f.executable && !f.system) continue;
      const deps = {
        clock: this.#ctx.clock,
        log,
        identity,
        argv: checked.argv,
        viaShell: f.system,
        ...(this.#config.outputCap === undefined ? {} : { outputCap: this.#config.outputCap }),
      };
      const tracker = new ScriptTracker(p, deps, previous.get(p.name));
      this.#trackers.set(p.name, tracker);
      if (!this.#unsubscribe.has(p.name)) {
        this.#unsubscribe.set(p.name, publishTracker(this.#ctx, 'script', p.name, tracker.signal));
      }
    }
    if (checkedScript && this.#config.scriptSecurity !== true) {
      log.warn(
        `SECURITY VIOLATION - scripts are being executed but script_security not enabled.${insecure ? ' There are insecure scripts.' : ''}`,
      );
    }
  }

  async #identity(
    p: ScriptTrackerParams,
    fallback: () => Promise<ScriptIdentity | undefined>,
  ): Promise<ScriptIdentity | undefined> {
    if (p.user !== undefined) {
      const r = await resolveScriptUser(p.user);
      if (r.ok) return r.identity;
      this.#ctx.log.warn(r.message);
      this.#ctx.log.warn(`Unable to set uid/gid for script ${shellCommand(p.script)}`);
      return undefined;
    }
    const id = await fallback();
    if (id === undefined)
      this.#ctx.log.warn(`Unable to set default user for vrrp script ${p.name} - removing`);
    return id;
  }

  start(): void {
    for (const t of this.#trackers.values()) t.start();
  }

  /**
   * Applies a new config in place, as keepalived's reload does: every script is checked again, a
   * script kept by name carries its state and keeps its signal object (`VRRP_Script(x) considered
   * successful on reload`), new scripts start afresh, dropped ones stop. A dropped script's last
   * state stays in the directory (it has no removal); nothing should track it any more.
   */
  async reload(next: ScriptTrackerConfig): Promise<boolean> {
    const previous = this.#trackers;
    await Promise.all([...previous.values()].map((t) => t.stop()));
    this.#config = next;
    this.#trackers = new Map();
    await this.#build(previous);
    for (const [name, unsubscribe] of this.#unsubscribe) {
      if (!this.#trackers.has(name)) {
        unsubscribe();
        this.#unsubscribe.delete(name);
      }
    }
    this.start();
    return true;
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.values()) u();
    this.#unsubscribe.clear();
    await Promise.all([...this.#trackers.values()].map((t) => t.stop()));
  }
}

/**
 * Builds the `tracker.script` plugin (keepalived's `vrrp_script`). `select` maps the model onto
 * {@link ScriptTrackerConfig}; the plugin publishes each script's signal as kind `script`.
 */
export function createScriptTrackerPlugin(
  select: (model: Model) => ScriptTrackerConfig | undefined,
): ServicePlugin<ScriptTrackerConfig> {
  return definePlugin<ServicePlugin<ScriptTrackerConfig>>({
    id: 'tracker.script',
    kind: 'tracker',
    version: '1.0.0',
    api: `^${HOST_API_VERSION}`,
    directives: ['vrrp_script'],
    select,
    create: (ctx, config) => new ScriptTrackerService(ctx, config),
  });
}

export { ScriptTrackerService };
