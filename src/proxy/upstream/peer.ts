import type { ServerParams } from './params.js';

/**
 * One peer's runtime state with nginx's exact accounting (`ngx_http_upstream_rr_peer_t`): the smooth
 * weighted round robin pair (`currentWeight`, `effectiveWeight`), active connections, and the failure
 * window kept on nginx's whole-second clock (`fails`, `accessed`, `checked`).
 */
export class Peer {
  /** Position in its set (primary or backup), the bit used in a request's tried bitmap. */
  readonly index: number;
  /** The server text as written (the consistent-hash ring key). */
  readonly name: string;
  /** The address connected to, for `$upstream_addr`. */
  readonly address: string;
  readonly weight: number;
  readonly maxFails: number;
  /** Seconds, as nginx stores it. */
  readonly failTimeout: number;
  readonly maxConns: number;
  readonly down: boolean;
  readonly backup: boolean;
  /** nginx `current_weight`: the SWRR accumulator. */
  currentWeight = 0;
  /** nginx `effective_weight`: lowered by failures, recovers by one per eligible round. */
  effectiveWeight: number;
  /** Active connections (idle keep-alive connections are not counted, as nginx). */
  conns = 0;
  /** Failures counted toward `max_fails`; cleared only by a success after a `checked` refresh. */
  fails = 0;
  /** Second of the last failure. */
  accessed = 0;
  /** Second of the last failure or of the last selection past the fail window (the probe). */
  checked = 0;

  constructor(index: number, p: ServerParams) {
    this.index = index;
    this.name = p.name;
    this.address = p.address ?? p.name;
    this.weight = p.weight;
    this.effectiveWeight = p.weight;
    this.maxFails = p.maxFails;
    // fail_timeout is parsed in seconds by nginx (`ngx_parse_time(..., 1)`).
    this.failTimeout = Math.floor(p.failTimeout / 1000);
    this.maxConns = p.maxConns;
    this.down = p.down;
    this.backup = p.backup;
  }

  /** Whether the peer is inside its max_fails window at second `now` (nginx's skip test). */
  isFailed(now: number): boolean {
    return this.maxFails > 0 && this.fails >= this.maxFails && now - this.checked <= this.failTimeout;
  }

  /** Whether `max_conns` is reached. */
  isFull(): boolean {
    return this.maxConns > 0 && this.conns >= this.maxConns;
  }

  /** Neither down, failed nor full at second `now`: the test every nginx balancer applies. */
  isAvailable(now: number): boolean {
    return !this.down && !this.isFailed(now) && !this.isFull();
  }
}

/**
 * The primary or the backup peers of an upstream (`ngx_http_upstream_rr_peers_t`), in config order.
 */
export class PeerSet {
  readonly peers: readonly Peer[];
  /** Σ weight over every peer, `down` ones included (hash and ip_hash divide this space). */
  readonly totalWeight: number;
  /** The tries budget this set contributes: its peers that are not `down`. */
  readonly tries: number;
  /** One primary and no backup set: nginx's shortcut that ignores max_fails and never retries. */
  readonly single: boolean;
  readonly backup: boolean;
  /** Start of each peer's slots in the hash space (nginx random's `ranges`), for binary search. */
  readonly starts: Uint32Array;

  constructor(peers: readonly Peer[], backup: boolean, hasBackupSet: boolean) {
    this.peers = peers;
    this.backup = backup;
    this.starts = new Uint32Array(peers.length);
    let total = 0;
    let tries = 0;
    for (const p of peers) {
      this.starts[p.index] = total;
      total += p.weight;
      if (!p.down) tries++;
    }
    this.totalWeight = total;
    this.tries = tries;
    this.single = !backup && peers.length === 1 && !hasBackupSet;
  }

  /** The peer owning slot `w` of the hash space [0, totalWeight): `weight` consecutive slots each. */
  peerAtWeight(w: number): Peer {
    let rest = w;
    const peers = this.peers;
    for (let i = 0; i < peers.length; i++) {
      const p = peers[i] as Peer;
      if (rest < p.weight) return p;
      rest -= p.weight;
    }
    // Unreachable for w < totalWeight; keep the type total.
    return this.peers[this.peers.length - 1] as Peer;
  }
}
