import type { NsProcess } from './ns-process.js';

/** One JSON event line an agent printed. */
export type AgentEvent = Readonly<Record<string, unknown>> & { readonly event: string };

/**
 * Talks to a test agent (a compiled script under test/net/agents run in a namespace) that prints one
 * JSON object per line and reads JSON commands on stdin.
 */
export class Agent {
  readonly process: NsProcess;
  #seen = 0;

  constructor(proc: NsProcess) {
    this.process = proc;
  }

  /** Every event printed so far. */
  events(): AgentEvent[] {
    return this.process.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as AgentEvent);
  }

  /** Sends a command line. */
  command(cmd: object): void {
    this.process.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Waits for the next event (after the ones already returned by `next`) matching `pred`. */
  async next(pred: (e: AgentEvent) => boolean, timeoutMs = 5000): Promise<AgentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = this.events();
      for (let i = this.#seen; i < all.length; i++) {
        const e = all[i]!;
        if (pred(e)) {
          this.#seen = i + 1;
          return e;
        }
      }
      if (this.process.exit !== undefined) {
        throw new Error(
          `agent exited (${JSON.stringify(this.process.exit)}):\n${this.process.stdout}\n${this.process.stderr}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no matching agent event within ${timeoutMs} ms; got:\n${this.process.stdout}\n${this.process.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
