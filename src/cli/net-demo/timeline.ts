/** One request the demo client made, as it reported it. */
export interface RequestRecord {
  /** Epoch ms when the request started and when it answered or failed. */
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
  /** The backend that answered (ok) or why it failed (`ECONNREFUSED`, `timeout`, `http_502`...). */
  readonly detail: string;
}

/** One VRRP advertisement seen on the client's LAN. */
export interface AdvertRecord {
  /** Epoch ms (tcpdump's capture timestamp). */
  readonly time: number;
  readonly src: string;
  readonly priority: number;
}

/** Parses a client line (`ok START END BACKEND` / `fail START END REASON`); undefined for others. */
export function parseRequestLine(line: string): RequestRecord | undefined {
  const m = /^(ok|fail) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\S+)$/.exec(line.trim());
  if (m === null) return undefined;
  return { ok: m[1] === 'ok', start: Number(m[2]), end: Number(m[3]), detail: m[4] ?? '' };
}

/**
 * Parses a `tcpdump -n -tt -l` line for a VRRP packet, e.g.
 * `1763690000.123456 IP 198.51.100.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 10cs, length 12`.
 */
export function parseAdvertLine(line: string): AdvertRecord | undefined {
  const m = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/.exec(line.trim());
  if (m === null) return undefined;
  return { time: Number(m[1]) * 1000, src: m[2] ?? '', priority: Number(m[3]) };
}

/** What the client saw in one reporting window. */
export interface WindowSummary {
  readonly ok: number;
  readonly failed: number;
  /** Answers per backend name. */
  readonly byBackend: ReadonlyMap<string, number>;
  /** The longest a request that ended in the window took (answered or not), in ms. */
  readonly slowestMs: number;
  /** The source of the last advert with a non-zero priority in the window (the master), if any. */
  readonly master: string | undefined;
}

/** Everything the demo observed, in arrival order, with the summaries it prints. */
export class Timeline {
  readonly requests: RequestRecord[] = [];
  readonly adverts: AdvertRecord[] = [];

  /** Requests that ended in [from, to), and the master advertising in that window. */
  window(from: number, to: number): WindowSummary {
    let ok = 0;
    let failed = 0;
    let slowestMs = 0;
    const byBackend = new Map<string, number>();
    for (const r of this.requests) {
      if (r.end < from || r.end >= to) continue;
      slowestMs = Math.max(slowestMs, r.end - r.start);
      if (!r.ok) {
        failed++;
        continue;
      }
      ok++;
      byBackend.set(r.detail, (byBackend.get(r.detail) ?? 0) + 1);
    }
    let master: string | undefined;
    for (const a of this.adverts) if (a.time >= from && a.time < to && a.priority > 0) master = a.src;
    return { ok, failed, byBackend, master, slowestMs };
  }

  /** How many requests started in [from, to) failed. */
  failedStarted(from: number, to: number): number {
    return this.requests.filter((r) => !r.ok && r.start >= from && r.start < to).length;
  }

  /** All requests so far: the totals of {@link window} over the whole run. */
  totals(): WindowSummary {
    return this.window(-Infinity, Infinity);
  }
}
