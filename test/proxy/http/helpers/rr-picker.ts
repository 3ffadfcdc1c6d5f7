import type {
  KeepaliveParams,
  PeerLease,
  PeerOutcome,
  PickSession,
  UpstreamPicker,
} from '../../../../src/proxy/http/types.js';

/** A peer of the test picker. */
export interface TestPeer {
  readonly host: string;
  readonly port: number;
}

/** A test picker that records every release. */
export interface RecordingPicker extends UpstreamPicker {
  readonly releases: { name: string; outcome: PeerOutcome }[];
}

/**
 * A plain round-robin picker for tests and the benchmark only (the product's balancers are the
 * nginx-exact strategies of src/proxy/upstream). It keeps nginx's per-request shape: each peer is
 * tried at most once per request, tries start at the peer count (capped by the tries limit) and
 * a single-peer upstream drops to zero tries on release, as `free_rr` does. `record` keeps every
 * release in `releases` (off for the benchmark, where it would grow without bound).
 */
export function roundRobinPicker(
  name: string,
  peers: readonly TestPeer[],
  keepalive?: KeepaliveParams,
  record = true,
): RecordingPicker {
  let cursor = 0;
  const releases: { name: string; outcome: PeerOutcome }[] = [];
  const picker: RecordingPicker = {
    name,
    releases,
    ...(keepalive === undefined ? {} : { keepalive }),
    begin(request): PickSession {
      const tried = new Set<number>();
      let tries = request.triesLimit > 0 ? Math.min(request.triesLimit, peers.length) : peers.length;
      return {
        get triesLeft() {
          return tries;
        },
        grantExtraTry() {
          tries++;
        },
        next(): PeerLease | undefined {
          for (let k = 0; k < peers.length; k++) {
            const i = (cursor + k) % peers.length;
            if (tried.has(i) && peers.length > 1) continue;
            const peer = peers[i];
            if (peer === undefined) continue;
            tried.add(i);
            cursor = (i + 1) % peers.length;
            const peerName = `${peer.host}:${peer.port}`;
            let released = false;
            return {
              host: peer.host,
              port: peer.port,
              name: peerName,
              release(outcome) {
                if (released) throw new Error(`double release of ${peerName}`);
                released = true;
                if (record) releases.push({ name: peerName, outcome });
                if (peers.length === 1) tries = 0;
                else if (tries > 0) tries--;
              },
            };
          }
          return undefined;
        },
      };
    },
  };
  return picker;
}
