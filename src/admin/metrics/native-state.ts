import { Counter, Gauge, type Registry } from 'prom-client';
import {
  VRRP_ERROR_KEYS,
  VRRP_STATE_NUMBER,
  type PeerStatus,
  type StatusSource,
  type VrrpInstanceStatus,
  type VrrpState,
} from '../status-source.js';

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
const VRRP_LABELS = ['instance', 'interface', 'vrid'] as const;
type VrrpLabel = (typeof VRRP_LABELS)[number];

function vrrpLabels(i: VrrpInstanceStatus): Record<VrrpLabel, string> {
  return { instance: i.name, interface: i.interface, vrid: String(i.vrid) };
}

/**
 * Registers the scrape-time native families: VRRP state, priorities, transitions, adverts and errors,
 * tracker states, server status state-sets and connection gauges. They are read from the
 * StatusSource at scrape time because the engine and the peers already hold these values: a second
 * copy kept by push could disagree with `/status`.
 */
export function registerNativeState(registry: Registry, source: () => StatusSource): void {
  const registers = [registry];
  const vrrpGauge = (name: string, help: string, value: (i: VrrpInstanceStatus) => number | null) =>
    new Gauge<VrrpLabel>({
      name,
      help,
      labelNames: VRRP_LABELS,
      registers,
      collect() {
        this.reset();
        for (const i of source().vrrp()) {
          const v = value(i);
          if (v !== null) this.set(vrrpLabels(i), v);
        }
      },
    });
  const vrrpCounter = (name: string, help: string, value: (i: VrrpInstanceStatus) => number) =>
    new Counter<VrrpLabel>({
      name,
      help,
      labelNames: VRRP_LABELS,
      registers,
      collect() {
        this.reset();
        for (const i of source().vrrp()) this.inc(vrrpLabels(i), value(i));
      },
    });
  vrrpGauge(
    'tandem_vrrp_state',
    'VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived numbering)',
    (i) => VRRP_STATE_NUMBER[i.state],
  );
  vrrpGauge('tandem_vrrp_priority', 'Effective priority after tracker weights', (i) => i.effectivePriority);
  vrrpGauge('tandem_vrrp_base_priority', 'Configured priority', (i) => i.basePriority);
  vrrpGauge('tandem_vrrp_last_transition_timestamp_seconds', 'When the state last changed', (i) =>
    i.lastTransition === null ? null : i.lastTransition / 1000,
  );
  vrrpCounter('tandem_vrrp_adverts_received_total', 'Adverts received', (i) => i.stats.advert_rcvd);
  vrrpCounter('tandem_vrrp_adverts_sent_total', 'Adverts sent', (i) => i.stats.advert_sent);
  new Counter<VrrpLabel | 'to'>({
    name: 'tandem_vrrp_transitions_total',
    help: 'State changes, by the state entered',
    labelNames: [...VRRP_LABELS, 'to'],
    registers,
    collect() {
      this.reset();
      for (const i of source().vrrp())
        for (const to of TRANSITION_TARGETS) this.inc({ ...vrrpLabels(i), to }, i.transitions[to] ?? 0);
    },
  });
  new Counter<VrrpLabel | 'reason'>({
    name: 'tandem_vrrp_errors_total',
    help: "Adverts rejected, by keepalived's counter name",
    labelNames: [...VRRP_LABELS, 'reason'],
    registers,
    collect() {
      this.reset();
      for (const i of source().vrrp())
        for (const reason of VRRP_ERROR_KEYS) this.inc({ ...vrrpLabels(i), reason }, i.stats[reason]);
    },
  });
  new Gauge<'kind' | 'name'>({
    name: 'tandem_tracker_up',
    help: 'Whether a tracker reports up (1) or down (0)',
    labelNames: ['kind', 'name'],
    registers,
    collect() {
      this.reset();
      for (const i of source().vrrp())
        for (const t of i.trackers) this.set({ kind: t.kind, name: t.name }, t.up ? 1 : 0);
    },
  });
  registerUpstreamState(registry, source);
}

function registerUpstreamState(registry: Registry, source: () => StatusSource): void {
  const registers = [registry];
  new Gauge<'upstream' | 'server' | 'state'>({
    name: 'tandem_server_status',
    help: 'Server state as a state-set: one series per state, 1 for the current one',
    labelNames: ['upstream', 'server', 'state'],
    registers,
    collect() {
      this.reset();
      for (const u of source().upstreams())
        for (const p of u.peers) {
          const now = serverState(p);
          for (const state of SERVER_STATES)
            this.set({ upstream: u.name, server: p.server, state }, state === now ? 1 : 0);
        }
    },
  });
  new Gauge<'upstream' | 'server'>({
    name: 'tandem_server_current_connections',
    help: 'Connections open to the server now',
    labelNames: ['upstream', 'server'],
    registers,
    collect() {
      this.reset();
      for (const u of source().upstreams())
        for (const p of u.peers) this.set({ upstream: u.name, server: p.server }, p.activeConnections);
    },
  });
  new Gauge<'upstream'>({
    name: 'tandem_upstream_active_servers',
    help: 'Primary (non-backup) servers available for selection',
    labelNames: ['upstream'],
    registers,
    collect() {
      this.reset();
      for (const u of source().upstreams())
        this.set({ upstream: u.name }, u.peers.filter((p) => p.available && !p.backup).length);
    },
  });
  new Gauge<'upstream'>({
    name: 'tandem_upstream_backup_servers',
    help: 'Backup servers available for selection',
    labelNames: ['upstream'],
    registers,
    collect() {
      this.reset();
      for (const u of source().upstreams())
        this.set({ upstream: u.name }, u.peers.filter((p) => p.available && p.backup).length);
    },
  });
}
