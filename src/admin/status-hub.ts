/** Writes one server-sent-events chunk to a client. */
export type SseWrite = (chunk: string) => void;

/**
 * Fans the status document out to dashboard clients over server-sent events. It renders the
 * snapshot every `intervalMs` while anyone listens and sends it only when it changed, and at once
 * on `poke()` (after a drain), so a change reaches the page within one interval. Idle: no timer.
 */
export class StatusHub {
  readonly #render: () => string;
  readonly #onError: (err: unknown) => void;
  readonly #intervalMs: number;
  readonly #clients = new Set<SseWrite>();
  #last = '';
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;

  /** `onError` hears a failing render (a bug behind the StatusSource); the stream skips that tick. */
  constructor(render: () => string, intervalMs = 500, onError: (err: unknown) => void = () => undefined) {
    this.#render = render;
    this.#onError = onError;
    this.#intervalMs = intervalMs;
  }

  /** Adds a client and sends it the current document; returns the unsubscribe function. */
  subscribe(write: SseWrite): () => void {
    this.#clients.add(write);
    const doc = this.#safeRender();
    if (doc !== undefined) {
      if (this.#clients.size === 1) this.#last = doc;
      write(`retry: 1000\nevent: status\ndata: ${doc}\n\n`);
    }
    this.#timer ??= setInterval(() => {
      this.tick();
    }, this.#intervalMs).unref();
    return () => {
      this.#clients.delete(write);
      if (this.#clients.size === 0) this.#stopTimer();
    };
  }

  /** Re-renders now and sends the document if it changed. */
  poke(): void {
    if (this.#clients.size === 0) return;
    const doc = this.#safeRender();
    if (doc === undefined || doc === this.#last) return;
    this.#last = doc;
    const chunk = `event: status\ndata: ${doc}\n\n`;
    for (const write of this.#clients) write(chunk);
  }

  /** One timer tick: a poke, plus a comment line every ~15 s so idle proxies keep the stream open. */
  tick(): void {
    this.poke();
    this.#beats++;
    if (this.#beats * this.#intervalMs >= 15_000) {
      this.#beats = 0;
      for (const write of this.#clients) write(': keep-alive\n\n');
    }
  }

  /** How many clients listen. */
  get size(): number {
    return this.#clients.size;
  }

  /** Drops every client (the server is closing). */
  close(): void {
    this.#clients.clear();
    this.#stopTimer();
  }

  #safeRender(): string | undefined {
    try {
      return this.#render();
    } catch (err) {
      this.#onError(err);
      return undefined;
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
