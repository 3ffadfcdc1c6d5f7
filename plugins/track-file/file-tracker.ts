import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  WritableSignal,
  sameTrackerValue,
  fileTrackerState,
  type Clock,
  type Logger,
  type TimerHandle,
  type TrackerState,
} from '../../src/index.js';
import { parseTrackFileValue } from './file-value.js';
import type { FileTrackerParams } from './params.js';

/** Coalesces a burst of inotify events (truncate, then write) into one read, so no transient 0. */
const SETTLE_MS = 20;

/** Reads at most 127 bytes, as keepalived's `read(fd, buf, sizeof(buf) - 1)`; undefined if it cannot be opened. */
async function readHead(path: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(127);
    const { bytesRead } = await fh.read(buf, 0, 127, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

/**
 * Tracks one `track_file`: the integer in the file, watched through its directory with inotify
 * (`fs.watch`, as keepalived's IN_CLOSE_WRITE | IN_DELETE | IN_MOVE watch) plus a periodic re-read.
 * A missing or deleted file reads as 0. The signal carries `value` = the integer and the effect of
 * the file's own weight (see `fileTrackerState`); a changed value is always an edge.
 */
export class FileTracker {
  readonly signal: WritableSignal<TrackerState>;
  readonly #p: FileTrackerParams;
  /** The resolved path (symlinks in the directory resolved, as keepalived's realpath). */
  readonly path: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #poll: number;
  #value = 0;
  #reason = 'init';
  #watcher: FSWatcher | undefined;
  #settle: TimerHandle | undefined;
  #pollTimer: TimerHandle | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(
    params: FileTrackerParams,
    path: string,
    deps: { clock: Clock; log: Logger; pollInterval: number },
  ) {
    this.#p = params;
    this.path = path;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#poll = deps.pollInterval;
    // The first read (at init, before publication) always replaces the `init` placeholder.
    this.signal = new WritableSignal(this.#state(), (a, b) => sameTrackerValue(a, b) && a.reason !== 'init');
  }

  /** The value last read. */
  get value(): number {
    return this.#value;
  }

  #state(): TrackerState {
    return fileTrackerState(this.#value, this.#p.weight ?? 1, this.#p.reverse ?? false, this.#reason);
  }

  /** Reads the file now and publishes the value (keepalived reads at init, then on each event). */
  async read(): Promise<void> {
    // One read at a time; a request during a read schedules exactly one more.
    if (this.#reading !== undefined) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      for (;;) {
        this.#again = false;
        const text = await readHead(this.path);
        const parsed = text === undefined ? { ok: true as const, value: 0 } : parseTrackFileValue(text);
        if (!parsed.ok) {
          this.#log.info(`Invalid number ${parsed.shown} read from ${this.path} - ignoring`);
          if (!this.#rereadRequested()) break;
          continue;
        }
        if (parsed.value !== this.#value) {
          this.#log.debug(`Track file ${this.#p.name} value now ${parsed.value}`, { file: this.path });
        }
        this.#value = parsed.value;
        this.#reason = text === undefined ? 'missing' : `value ${parsed.value}`;
        this.signal.set(this.#state());
        if (!this.#rereadRequested()) break;
      }
    })().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /** Whether an event arrived during the read just done (read by a method so it is not narrowed away). */
  #rereadRequested(): boolean {
    return this.#again;
  }

  /** Starts watching the file's directory and the safety re-read. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const name = basename(this.path);
    try {
      this.#watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        if (filename === null || filename === name) this.#kick();
      });
      this.#watcher.on('error', (err) => {
        this.#log.warn(`inotify watch for track file ${this.#p.name} failed: ${err.message}`);
      });
    } catch (err) {
      this.#log.warn(`Unable to monitor track files: ${(err as Error).message}`);
    }
    this.#schedulePoll();
  }

  #kick(): void {
    if (this.#stopped || this.#settle !== undefined) return;
    this.#settle = this.#clock.setTimeout(() => {
      this.#settle = undefined;
      void this.read();
    }, SETTLE_MS);
  }

  #schedulePoll(): void {
    if (this.#poll <= 0 || this.#stopped) return;
    this.#pollTimer = this.#clock.setTimeout(() => {
      void this.read().then(() => {
        this.#schedulePoll();
      });
    }, this.#poll);
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#settle !== undefined) this.#clock.clearTimeout(this.#settle);
    if (this.#pollTimer !== undefined) this.#clock.clearTimeout(this.#pollTimer);
    this.#settle = undefined;
    this.#pollTimer = undefined;
    await this.#reading;
  }
}
