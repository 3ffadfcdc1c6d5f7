/**
 * A bounded, non-blocking JSON-lines writer for bus listeners: `push` only queues (a bus listener
 * must return at once: the VRRP state machine emits from its own path), one asynchronous write at a
 * time drains the queue, and when the disk is slower than the events, the oldest queued lines are
 * dropped and counted, then reported in one `{"event":"dropped","count":N}` line.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { messageOf, type Logger } from '../../src/index.js';

/** The queue bound used when none is configured. */
export const DEFAULT_MAX_QUEUE = 1000;

export class JsonLinesSink {
  readonly #path: string;
  readonly #maxQueue: number;
  readonly #log: Logger;
  #queue: string[] = [];
  #dropped = 0;
  #file: FileHandle | undefined;
  #draining: Promise<void> | undefined;

  constructor(path: string, maxQueue: number, log: Logger) {
    this.#path = path;
    this.#maxQueue = Math.max(1, maxQueue);
    this.#log = log;
  }

  /** Opens the file for appending (created with mode 0640 when missing). */
  async open(): Promise<void> {
    this.#file = await open(this.#path, 'a', 0o640);
  }

  /** Queues one record as a JSON line; never waits, never throws. */
  push(record: Readonly<Record<string, unknown>>): void {
    if (this.#queue.length >= this.#maxQueue) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#queue.push(`${JSON.stringify(record)}\n`);
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = undefined;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && this.#file !== undefined) {
      const lines = this.#queue;
      this.#queue = [];
      if (this.#dropped > 0) {
        lines.unshift(
          `${JSON.stringify({ time: new Date().toISOString(), event: 'dropped', count: this.#dropped })}\n`,
        );
        this.#dropped = 0;
      }
      try {
        await this.#file.appendFile(lines.join(''));
      } catch (err) {
        // A full disk must not stop the daemon: say so once per failed batch and carry on.
        this.#log.warn(`event log ${this.#path}: ${messageOf(err)}; ${lines.length} lines lost`);
      }
    }
  }

  /** Writes what is queued (until `signal` aborts: the stop deadline), then closes the file. */
  async close(signal?: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) => {
      if (signal?.aborted === true) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.#draining ?? Promise.resolve(), aborted]);
    const file = this.#file;
    this.#file = undefined;
    await file?.close();
  }
}
