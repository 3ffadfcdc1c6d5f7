import type { Peer, PeerSet } from './peer.js';
import type { Upstream } from './upstream.js';

/** How an attempt ended, as nginx's `free` sees it: `failed` counts toward max_fails, `next` (403/404) does not. */
export type PeerOutcome = 'ok' | 'failed' | 'next';

/**
 * One client request's balancing state (`ngx_http_upstream_rr_peer_data_t` plus the scratch the
 * hash modules keep): the set being tried, the tried bitmap, the tries budget and the peer taken.
 * Reusable through {@link PeerRequest.reset} so a pooled request allocates nothing.
 */
export class PeerRequest {
  readonly upstream: Upstream;
  /** The set selection runs over: the primaries, then the backups once those are exhausted. */
  set: PeerSet;
  /** nginx `pc->tries`: attempts left; primaries' and backups' non-down peers, capped by `_tries`. */
  tries = 0;
  /** The peer taken by the last pick and not yet freed. */
  current: Peer | undefined;
  /** Scratch of the hash strategies: ip_hash's and hash's running hash, or the ring index. */
  hash = 0;
  /** Scratch of `hash`: the rehash counter prefixed to the key. */
  rehash = 0;
  /** Scratch of ip_hash, hash and random: rejected peeks; above 20 they fall back to round robin. */
  htries = 0;
  /** The evaluated hash key. */
  key = '';
  #addr: Uint8Array | undefined;
  /**
   * ip_hash's address bytes: the first `addrLen` bytes of this buffer (reused across requests),
   * made on first use so other methods don't allocate a typed array per request.
   */
  get addr(): Uint8Array {
    return (this.#addr ??= new Uint8Array(16));
  }
  /** How many bytes of `addr` ip_hash hashes: 3 (IPv4, other) or 16 (IPv6). */
  addrLen = 0;
  readonly #tried: Uint32Array;

  constructor(upstream: Upstream) {
    this.upstream = upstream;
    this.set = upstream.primary;
    const n = Math.max(upstream.primary.peers.length, upstream.backup?.peers.length ?? 0);
    this.#tried = new Uint32Array(Math.max(1, Math.ceil(n / 32)));
  }

  /**
   * Starts over for a new request (nginx `init_round_robin_peer`): primary set, empty bitmap, the
   * tries budget capped by `proxy_next_upstream_tries` (0 = no cap).
   */
  reset(maxTries = 0): void {
    const u = this.upstream;
    this.set = u.primary;
    this.#tried.fill(0);
    this.tries = u.primary.tries + (u.backup?.tries ?? 0);
    if (maxTries > 0 && this.tries > maxTries) this.tries = maxTries;
    this.current = undefined;
    this.hash = 0;
    this.rehash = 0;
    this.htries = 0;
    this.key = '';
    this.addrLen = 0;
  }

  /**
   * Picks the next peer with the upstream's strategy; undefined means "no live upstreams". The
   * previous attempt must have been freed first (every taken peer is freed exactly once).
   */
  pick(): Peer | undefined {
    return this.upstream.strategy.pick(this);
  }

  /** Whether peer index `i` of the current set was tried in this request. */
  isTried(i: number): boolean {
    return ((this.#tried[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;
  }

  /** Whether `p` may be picked now: untried and available (nginx's common skip test). */
  isEligible(p: Peer, now: number): boolean {
    return !this.isTried(p.index) && p.isAvailable(now);
  }

  /** Moves the request to the backup set with a fresh bitmap (nginx `failed:` label). */
  switchToBackup(): boolean {
    const b = this.upstream.backup;
    if (b === undefined || this.set === b) return false;
    this.set = b;
    this.#tried.fill(0);
    return true;
  }

  /**
   * Takes `p` for this attempt as every nginx balancer does after choosing: the probe `checked`
   * refresh past the fail window, conns+1, the tried bit.
   */
  take(p: Peer, now: number): Peer {
    if (now - p.checked > p.failTimeout) p.checked = now;
    const w = p.index >>> 5;
    this.#tried[w] = (this.#tried[w] ?? 0) | (1 << (p.index & 31));
    return this.hold(p);
  }

  /** Counts the connection to `p` and makes it current, with no tried bit (the single-peer path). */
  hold(p: Peer): Peer {
    p.conns++;
    this.current = p;
    return p;
  }

  /**
   * The stream proxy's "connected" notification (nginx `ngx_stream_upstream_notify_round_robin_peer`,
   * TCP only): a successful connect already clears the fails of a peer selected after its failure
   * window, before the session ends. The HTTP proxy does not call this.
   */
  connected(): void {
    const p = this.current;
    if (p !== undefined && p.accessed < p.checked) p.fails = 0;
  }

  /**
   * Reports how the attempt on the current peer ended (nginx `free_round_robin_peer`). A failure
   * counts toward max_fails and lowers effective_weight by weight div max_fails; a success clears
   * the fails only if the peer was selected after its last failure window (`accessed < checked`).
   * A single-peer upstream keeps no accounting and is never retried. Returns true when this failure
   * disabled the peer (nginx's `[warn] upstream server temporarily disabled`).
   */
  free(outcome: PeerOutcome): boolean {
    const p = this.current;
    if (p === undefined) return false;
    this.current = undefined;
    if (this.set.single) {
      p.conns--;
      this.tries = 0;
      this.upstream.strategy.release?.(this, p, outcome);
      return false;
    }
    let disabled = false;
    if (outcome === 'failed') {
      const now = this.upstream.nowSec();
      p.fails++;
      p.accessed = now;
      p.checked = now;
      if (p.maxFails > 0) {
        p.effectiveWeight -= Math.floor(p.weight / p.maxFails);
        disabled = p.fails >= p.maxFails;
      }
      if (p.effectiveWeight < 0) p.effectiveWeight = 0;
    } else if (p.accessed < p.checked) {
      p.fails = 0;
    }
    p.conns--;
    if (this.tries > 0) this.tries--;
    this.upstream.strategy.release?.(this, p, outcome);
    return disabled;
  }
}
