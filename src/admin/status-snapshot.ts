import { serverState } from './metrics/native-state.js';
import type {
  ListenerStatus,
  PeerStatus,
  StatusSource,
  SyncGroupStatus,
  UpstreamStatus,
  VrrpInstanceStatus,
} from './status-source.js';

/** A peer as `/status` shows it: the source's fields plus its HAProxy-style state. */
export interface PeerSnapshot extends PeerStatus {
  readonly state: 'UP' | 'DOWN' | 'MAINT' | 'DRAIN';
}

/** An upstream as `/status` shows it. */
export interface UpstreamSnapshot extends Omit<UpstreamStatus, 'peers'> {
  readonly peers: readonly PeerSnapshot[];
}

/** The `/status` document and the payload of every dashboard event. */
export interface StatusSnapshot {
  readonly version: string;
  readonly hostname: string;
  readonly instances: readonly VrrpInstanceStatus[];
  readonly syncGroups: readonly SyncGroupStatus[];
  readonly upstreams: readonly UpstreamSnapshot[];
  readonly listeners: readonly ListenerStatus[];
}

/** Reads the source once into the `/status` document. */
export function statusSnapshot(source: StatusSource, version: string, hostname: string): StatusSnapshot {
  return {
    version,
    hostname,
    instances: source.vrrp(),
    syncGroups: source.syncGroups(),
    upstreams: source.upstreams().map((u) => ({
      ...u,
      peers: u.peers.map((p) => ({ ...p, state: serverState(p) })),
    })),
    listeners: source.listeners(),
  };
}
