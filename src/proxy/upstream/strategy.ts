import type { Peer } from './peer.js';
import type { PeerOutcome, PeerRequest } from './peer-request.js';

/** What a request offers the balancer; the proxy evaluates it once per request. */
export interface PickInput {
  /**
   * The client address as nginx's `$remote_addr` (after realip): `a.b.c.d`, an IPv6 text, or
   * `unix:`. ip_hash hashes the first three bytes of IPv4 and all sixteen of IPv6.
   */
  readonly remoteAddr?: string;
  /** The evaluated `hash KEY` value; empty means plain round robin, as nginx. */
  readonly hashKey?: string;
}

/**
 * A balancing strategy: nginx's `peer.init` (`begin`) and `peer.get` (`pick`) for one method. All
 * strategies share nginx's `free_round_robin_peer`, which lives on {@link PeerRequest.free}.
 */
export interface Strategy {
  /** The nginx method name: `round_robin`, `ip_hash`, `hash`, `least_conn`, `random`. */
  readonly method: string;
  /**
   * Per-request setup (nginx `init_peer`): read what the method hashes from `input` into the
   * request's scratch fields. Called once by {@link Upstream.begin}.
   */
  begin(req: PeerRequest, input: PickInput): void;
  /**
   * Chooses a peer for the next attempt and takes it (conns+1, tried bit, probe `checked`), or
   * returns undefined when no peer is selectable (nginx `NGX_BUSY`: "no live upstreams").
   * Allocates nothing.
   */
  pick(req: PeerRequest): Peer | undefined;
  /**
   * Optional: told when an attempt on `peer` ends (from {@link PeerRequest.free}, after nginx's
   * accounting): HTTP when the response is complete or the attempt failed, stream when the session
   * ends. For strategies that learn from outcomes (latency, errors); the built-in ones need nothing.
   */
  release?(req: PeerRequest, peer: Peer, outcome: PeerOutcome): void;
}
