import type { NsProcess } from '../../net/ns-process.js';
import { LineFeed } from './line-feed.js';
import { formatWindow, windowHeader } from './report.js';
import { parseAdvertLine, parseRequestLine, Timeline } from './timeline.js';
import type { DemoTopology } from './topology.js';

/** Follows the client's and tcpdump's output into the timeline and prints a line per second. */
export class LiveView {
  readonly timeline = new Timeline();
  readonly #feeds: { feed: LineFeed; parse: (l: string) => void }[];
  readonly #say: (line: string) => void;
  readonly #names: ReadonlyMap<string, string>;
  readonly #t0 = Date.now();
  #from = this.#t0;
  #timer: NodeJS.Timeout | undefined;
  #done = false;

  constructor(client: NsProcess, tcpdump: NsProcess, topo: DemoTopology, say: (line: string) => void) {
    this.#say = say;
    this.#names = new Map(topo.nodes.map((n) => [n.address, n.name]));
    this.#feeds = [
      {
        feed: new LineFeed(client),
        parse: (l) => {
          if (l === 'done') this.#done = true;
          const r = parseRequestLine(l);
          if (r !== undefined) this.timeline.requests.push(r);
        },
      },
      {
        feed: new LineFeed(tcpdump),
        parse: (l) => {
          const a = parseAdvertLine(l);
          if (a !== undefined) this.timeline.adverts.push(a);
        },
      },
    ];
  }

  /** Whether the client has printed `done`. */
  get clientDone(): boolean {
    this.pull();
    return this.#done;
  }

  /** Reads whatever the client and tcpdump printed since the last call. */
  pull(): void {
    for (const { feed, parse } of this.#feeds) for (const l of feed.take()) parse(l);
  }

  /** Starts the per-second lines. */
  start(): void {
    this.#say(windowHeader);
    this.#timer = setInterval(() => {
      this.tick();
    }, 1000);
  }

  /** Prints the window up to 100 ms ago (answers that recent may still be on their way in). */
  tick(): void {
    this.pull();
    const to = Date.now() - 100;
    this.#say(formatWindow((to - this.#t0) / 1000, this.timeline.window(this.#from, to), this.#names));
    this.#from = to;
  }

  /** Stops the per-second lines, printing the last partial window. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (Date.now() - 100 > this.#from + 200) this.tick();
  }
}
