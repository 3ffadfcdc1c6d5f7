import {
  zeroVrrpStats,
  type PeerStatus,
  type StatusSource,
  type SyncGroupStatus,
  type UpstreamStatus,
  type VrrpInstanceStatus,
  type VrrpState,
} from '../../src/index.js';

/** Distinctive secrets: tests grep every admin response and log line for them. */
export const AUTH_PASS = 'kp-SECRET-4f9a1c';
export const TOKEN = 'tok-SECRET-8d2e77b0c4aa91f3';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function peer(server: string, extra: Partial<PeerStatus> = {}): Mutable<PeerStatus> {
  return {
    server,
    address: server,
    weight: 1,
    available: true,
    down: false,
    backup: false,
    drained: false,
    failed: false,
    fails: 0,
    maxFails: 1,
    activeConnections: 0,
    selections: 0,
    requests: 0,
    responses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    connectionErrors: 0,
    ...extra,
  };
}

/** A mutable StatusSource: one MASTER instance VI_1 with two VIPs and a script, one upstream of three. */
export class FakeSource implements StatusSource {
  readonly instance: Mutable<VrrpInstanceStatus> = {
    name: 'VI_1',
    state: 'MASTER',
    wantState: 'MASTER',
    interface: 'eth0',
    vrid: 51,
    version: 2,
    family: 'ipv4',
    basePriority: 150,
    effectivePriority: 160,
    advertIntervalMs: 1000,
    masterAddress: '203.0.113.2',
    masterPriority: 0,
    vips: [
      { address: '203.0.113.10/24', interface: 'eth0', installed: true },
      { address: '203.0.113.11/24', interface: 'eth1', installed: true },
    ],
    excludedVips: [],
    trackers: [{ kind: 'script', name: 'chk_nginx', up: true, reason: 'exited with status 0', weight: 10 }],
    syncGroup: null,
    garpDelay: 5,
    preempt: true,
    authType: 'pass',
    lastTransition: 1795212594296.448,
    transitions: { BACKUP: 1, MASTER: 1 },
    stats: { ...zeroVrrpStats(), advert_sent: 4, become_master: 1 },
  };
  readonly upstream: { name: string; kind: 'http'; method: string; peers: Mutable<PeerStatus>[] } = {
    name: 'backend',
    kind: 'http',
    method: 'round_robin',
    peers: [peer('127.0.0.1:8081'), peer('127.0.0.1:8082'), peer('127.0.0.1:8083', { backup: true })],
  };
  /** The model /config returns: it holds both secrets, which must come back masked. */
  readonly model = {
    tandem: { admin: { host: '127.0.0.1', port: 9100, token: TOKEN } },
    keepalived: { instances: [{ name: 'VI_1', authType: 'PASS', authPass: AUTH_PASS }] },
  };

  /** Sync groups /status reports; none unless a test adds one (the dump fixtures have none). */
  readonly groups: Mutable<SyncGroupStatus>[] = [];

  vrrp(): readonly VrrpInstanceStatus[] {
    return [{ ...this.instance, stats: { ...this.instance.stats } }];
  }
  syncGroups(): readonly SyncGroupStatus[] {
    return this.groups.map((g) => ({ ...g }));
  }
  upstreams(): readonly UpstreamStatus[] {
    return [{ ...this.upstream, peers: this.upstream.peers.map((p) => ({ ...p })) }];
  }
  listeners() {
    return [
      {
        name: 'http:0.0.0.0:8080',
        kind: 'http' as const,
        address: '0.0.0.0',
        port: 8080,
        bound: true,
        follows: 'VI_1',
        activeConnections: 2,
      },
    ];
  }
  #find(upstream: string, server: string): Mutable<PeerStatus> | undefined {
    return upstream === this.upstream.name ? this.upstream.peers.find((p) => p.server === server) : undefined;
  }
  drain(upstream: string, server: string): boolean {
    const p = this.#find(upstream, server);
    if (p === undefined) return false;
    p.drained = true;
    p.available = false;
    return true;
  }
  undrain(upstream: string, server: string): boolean {
    const p = this.#find(upstream, server);
    if (p === undefined) return false;
    p.drained = false;
    p.available = true;
    return true;
  }
  config(): unknown {
    return this.model;
  }

  /** Moves VI_1 to `state`, counting the transition as the engine would. */
  become(state: VrrpState, wallMs: number): void {
    const i = this.instance;
    if (i.state === 'MASTER' && state !== 'MASTER')
      i.stats = { ...i.stats, release_master: i.stats.release_master + 1 };
    if (state === 'MASTER') i.stats = { ...i.stats, become_master: i.stats.become_master + 1 };
    i.transitions = { ...i.transitions, [state]: (i.transitions[state] ?? 0) + 1 };
    i.state = state;
    i.wantState = state;
    i.lastTransition = wallMs;
  }
}
