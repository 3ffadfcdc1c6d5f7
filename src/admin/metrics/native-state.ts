import type { Registry } from 'prom-client';
import {
  VRRP_ERROR_KEYS,
  VRRP_STATE_NUMBER,
  type PeerStatus,
  type StatusSource,
  type VrrpInstanceStatus,
  type VrrpState,
} from '../status-source.js';
import { registerComputed, type FamilyValue } from './computed-family.js';

/** HAProxy's server state-set values (`haproxy_server_status{state}`), as far as nginx peers have them. */
export const SERVER_STATES = ['UP', 'DOWN', 'MAINT', 'DRAIN'] as const;

/** The state-set value a peer is in: MAINT (`down` in the config), DRAIN, DOWN (failed out), else UP. */
export function serverState(p: PeerStatus): (typeof SERVER_STATES)[number] {
  if (p.down) return 'MAINT';
  if (p.drained) return 'DRAIN';
  if (p.failed) return 'DOWN';
  return 'UP';
}

const TRANSITION_TARGETS: readonly VrrpState[] = ['BACKUP', 'MASTER', 'FAULT', 'STOP'];

function vrrpLabels(i: VrrpInstanceStatus): Record<string, string> {
  return { instance: i.name, interface: i.interface, vrid: String(i.vrid) };
}

type Kind = 'counter' | 'gauge';

/**
 * Registers the scrape-time native families: VRRP state, priorities, transitions, adverts and errors,
 * tracker states, server status state-sets and connection gauges. They are read from the
 * StatusSource at scrape time because the engine and the peers already hold these values: a second
 * copy kept by push could disagree with `/status`.
 */
export function registerNativeState(registry: Registry, source: () => StatusSource): void {
  const perInstance = (
    name: string,
    help: string,
    type: Kind,
    value: (i: VrrpInstanceStatus) => number | null,
  ) => {
    registerComputed(registry, name, help, type, () => {
      const out: FamilyValue[] = [];
      for (const i of source().vrrp()) {
        const v = value(i);
        if (v !== null) out.push({ labels: vrrpLabels(i), value: v });
      }
      return out;
    });
  };
  const perInstanceAnd = <K extends string>(
    name: string,
    help: string,
    label: string,
    keys: readonly K[],
    value: (i: VrrpInstanceStatus, key: K) => number,
  ) => {
    registerComputed(registry, name, help, 'counter', () => {
      const out: FamilyValue[] = [];
      for (const i of source().vrrp())
        for (const k of keys) out.push({ labels: { ...vrrpLabels(i), [label]: k }, value: value(i, k) });
      return out;
    });
  };
  perInstance(
    'tandem_vrrp_state',
    'VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived numbering)',
    'gauge',
    (i) => VRRP_STATE_NUMBER[i.state],
  );
  perInstance(
    'tandem_vrrp_priority',
    'Effective priority after tracker weights',
    'gauge',
    (i) => i.effectivePriority,
  );
  perInstance('tandem_vrrp_base_priority', 'Configured priority', 'gauge', (i) => i.basePriority);
  perInstance('tandem_vrrp_last_transition_timestamp_seconds', 'When the state last changed', 'gauge', (i) =>
    i.lastTransition === null ? null : i.lastTransition / 1000,
  );
  perInstance(
    'tandem_vrrp_adverts_received_total',
    'Adverts received',
    'counter',
    (i) => i.stats.advert_rcvd,
  );
  perInstance('tandem_vrrp_adverts_sent_total', 'Adverts sent', 'counter', (i) => i.stats.advert_sent);
  perInstanceAnd(
    'tandem_vrrp_transitions_total',
    'State changes, by the state entered',
    'to',
    TRANSITION_TARGETS,
    (i, to) => i.transitions[to] ?? 0,
  );
  perInstanceAnd(
    'tandem_vrrp_errors_total',
    "Adverts rejected, by keepalived's counter name",
    'reason',
    VRRP_ERROR_KEYS,
    (i, reason) => i.stats[reason],
  );
  registerComputed(
    registry,
    'tandem_tracker_up',
    'Whether a tracker reports up (1) or down (0)',
    'gauge',
    () => {
      const seen = new Map<string, FamilyValue>();
      for (const i of source().vrrp())
        for (const t of i.trackers)
          seen.set(`${t.kind}\0${t.name}`, { labels: { kind: t.kind, name: t.name }, value: t.up ? 1 : 0 });
      return [...seen.values()];
    },
  );
  registerUpstreamState(registry, source);
}

function registerUpstreamState(registry: Registry, source: () => StatusSource): void {
  const perPeer = (
    name: string,
    help: string,
    values: (labels: Record<string, string>, p: PeerStatus) => FamilyValue[],
  ) => {
    registerComputed(registry, name, help, 'gauge', () =>
      source()
        .upstreams()
        .flatMap((u) => u.peers.flatMap((p) => values({ upstream: u.name, server: p.server }, p))),
    );
  };
  perPeer(
    'tandem_server_status',
    'Server state as a state-set: one series per state, 1 for the current one',
    (l, p) => {
      const now = serverState(p);
      return SERVER_STATES.map((state) => ({ labels: { ...l, state }, value: state === now ? 1 : 0 }));
    },
  );
  perPeer('tandem_server_current_connections', 'Connections open to the server now', (labels, p) => [
    { labels, value: p.activeConnections },
  ]);
  const perUpstream = (name: string, help: string, backup: boolean) => {
    registerComputed(registry, name, help, 'gauge', () =>
      source()
        .upstreams()
        .map((u) => ({
          labels: { upstream: u.name },
          value: u.peers.filter((p) => p.available && p.backup === backup).length,
        })),
    );
  };
  perUpstream(
    'tandem_upstream_active_servers',
    'Primary (non-backup) servers available for selection',
    false,
  );
  perUpstream('tandem_upstream_backup_servers', 'Backup servers available for selection', true);
}
