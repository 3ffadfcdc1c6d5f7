import { realpath, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  HOST_API_VERSION,
  definePlugin,
  publishTracker,
  type Model,
  type PluginContext,
  type Service,
  type ServicePlugin,
} from '../../src/index.js';
import { FileTracker } from './file-tracker.js';
import type { FileTrackerConfig, FileTrackerParams } from './params.js';

/** keepalived's `track_file_end_handler`: create (or with `overwrite`, rewrite) the file with its init value. */
async function initialiseFile(p: FileTrackerParams, reload: boolean, ctx: PluginContext): Promise<void> {
  if (p.init === undefined) return;
  const st = await stat(p.file).catch(() => undefined);
  if (st !== undefined) {
    if (p.init.overwrite !== true) return;
    if (!st.isFile()) {
      ctx.log.warn(`Cannot initialise track file ${p.name} - it is not a regular file`);
      return;
    }
    if (reload) return;
  }
  await writeFile(p.file, `${p.init.value ?? 0}\n`).catch(() => {
    ctx.log.warn(`Unable to initialise track file ${p.name}`);
  });
}

/** keepalived's `init_track_files` path resolution: the file, or its directory when the file is missing. */
async function resolvePath(p: FileTrackerParams, ctx: PluginContext): Promise<string | undefined> {
  try {
    return await realpath(p.file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      ctx.log.warn(`track file ${p.name} is not accessible - ignoring`);
      return undefined;
    }
  }
  const dir = await realpath(dirname(p.file)).catch(() => undefined);
  const st = dir === undefined ? undefined : await stat(dir).catch(() => undefined);
  if (dir === undefined || st?.isDirectory() !== true) {
    ctx.log.warn(`Track file directory for ${p.name} does not exist - removing`);
    return undefined;
  }
  return join(dir, basename(p.file));
}

/** The running `tracker.file` service. */
class FileTrackerService implements Service<FileTrackerConfig> {
  readonly #ctx: PluginContext;
  readonly #config: FileTrackerConfig;
  readonly #trackers = new Map<string, FileTracker>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(ctx: PluginContext, config: FileTrackerConfig) {
    this.#ctx = ctx;
    this.#config = config;
  }

  /** The files being tracked, by name. */
  get trackers(): ReadonlyMap<string, FileTracker> {
    return this.#trackers;
  }

  async init(): Promise<void> {
    for (const p of this.#config.files) {
      await initialiseFile(p, this.#config.reload ?? false, this.#ctx);
      // Nothing tracks it: keepalived forgets it silently (`remove_track_file`).
      if (this.#config.tracked !== undefined && !this.#config.tracked.has(p.name)) continue;
      const path = await resolvePath(p, this.#ctx);
      if (path === undefined) continue;
      const tracker = new FileTracker(p, path, {
        clock: this.#ctx.clock,
        log: this.#ctx.log,
        pollInterval: this.#config.pollInterval ?? 5000,
      });
      await tracker.read();
      this.#trackers.set(p.name, tracker);
      this.#unsubscribe.push(publishTracker(this.#ctx, 'file', p.name, tracker.signal));
    }
  }

  start(): void {
    for (const t of this.#trackers.values()) t.start();
  }

  /** Declines: the kernel replaces the service, which re-reads every file. */
  reload(): boolean {
    return false;
  }

  async stop(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    await Promise.all([...this.#trackers.values()].map((t) => t.stop()));
  }
}

/**
 * Builds the `tracker.file` plugin (keepalived's `track_file`); `select` maps the model onto
 * {@link FileTrackerConfig}. Each file's signal is published as kind `file`.
 */
export function createFileTrackerPlugin(
  select: (model: Model) => FileTrackerConfig | undefined,
): ServicePlugin<FileTrackerConfig> {
  return definePlugin<ServicePlugin<FileTrackerConfig>>({
    id: 'tracker.file',
    kind: 'tracker',
    version: '1.0.0',
    api: `^${HOST_API_VERSION}`,
    directives: ['track_file', 'vrrp_track_file'],
    select,
    create: (ctx, config) => new FileTrackerService(ctx, config),
  });
}

export { FileTrackerService };
