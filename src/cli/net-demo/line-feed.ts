import type { NsProcess } from '../../net/ns-process.js';

/**
 * Hands out the complete lines a namespace process has printed since the last call, so the demo
 * can follow a long-running client or tcpdump without holding its own copy of the output.
 */
export class LineFeed {
  readonly #proc: NsProcess;
  readonly #stream: 'stdout' | 'stderr';
  #offset = 0;

  constructor(proc: NsProcess, stream: 'stdout' | 'stderr' = 'stdout') {
    this.#proc = proc;
    this.#stream = stream;
  }

  /** The lines completed since the previous call (a trailing partial line waits for its newline). */
  take(): string[] {
    const text = this.#proc[this.#stream];
    const end = text.lastIndexOf('\n') + 1;
    if (end <= this.#offset) return [];
    const chunk = text.slice(this.#offset, end);
    this.#offset = end;
    return chunk.split('\n').filter((l) => l !== '');
  }
}
