import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/index.js';
import { fixture } from '../helpers/paths.js';
import { FakeSource } from './fake-source.js';
import { parsePromText, type Family } from './prom-text.js';

// The exporters' lists, copied from reference/performance.md §3.1 (mehdy/keepalived-exporter) and
// §3.3 (nginx-prometheus-exporter stub_status): name → [type, label names].
const COMMON = ['iname', 'intf', 'vrid'];
const VIP = ['iname', 'intf', 'vrid', 'ip_address'];
const KEEPALIVED: Record<string, [string, string[]]> = {
  keepalived_up: ['gauge', []],
  keepalived_vrrp_state: ['gauge', VIP],
  keepalived_vrrp_excluded_state: ['gauge', VIP],
  keepalived_advertisements_received_total: ['counter', COMMON],
  keepalived_advertisements_sent_total: ['counter', COMMON],
  keepalived_become_master_total: ['counter', COMMON],
  keepalived_release_master_total: ['counter', COMMON],
  keepalived_packet_length_errors_total: ['counter', COMMON],
  keepalived_advertisements_interval_errors_total: ['counter', COMMON],
  keepalived_ip_ttl_errors_total: ['counter', COMMON],
  keepalived_invalid_type_received_total: ['counter', COMMON],
  keepalived_address_list_errors_total: ['counter', COMMON],
  keepalived_authentication_invalid_total: ['counter', COMMON],
  keepalived_authentication_mismatch_total: ['counter', COMMON],
  keepalived_authentication_failure_total: ['counter', COMMON],
  keepalived_priority_zero_received_total: ['counter', COMMON],
  keepalived_priority_zero_sent_total: ['counter', COMMON],
  keepalived_gratuitous_arp_delay_total: ['counter', COMMON],
  keepalived_script_status: ['gauge', ['name']],
  keepalived_script_state: ['gauge', ['name']],
};
const NGINX: Record<string, [string, string[]]> = {
  nginx_up: ['gauge', []],
  nginx_connections_accepted: ['counter', []],
  nginx_connections_active: ['gauge', []],
  nginx_connections_handled: ['counter', []],
  nginx_connections_reading: ['gauge', []],
  nginx_connections_waiting: ['gauge', []],
  nginx_connections_writing: ['gauge', []],
  nginx_http_requests_total: ['counter', []],
};
// The native set (reference §3.5 with prefix tandem_).
const US = ['upstream', 'server'];
const VR = ['instance', 'interface', 'vrid'];
const NATIVE: Record<string, [string, string[]]> = {
  tandem_build_info: ['gauge', ['version', 'node_version']],
  tandem_start_time_seconds: ['gauge', []],
  tandem_config_last_reload_successful: ['gauge', []],
  tandem_config_last_reload_success_timestamp_seconds: ['gauge', []],
  tandem_frontend_connections_total: ['counter', ['frontend']],
  tandem_frontend_current_connections: ['gauge', ['frontend']],
  tandem_frontend_http_requests_total: ['counter', ['frontend']],
  tandem_frontend_http_responses_total: ['counter', ['frontend', 'code']],
  tandem_frontend_bytes_in_total: ['counter', ['frontend']],
  tandem_frontend_bytes_out_total: ['counter', ['frontend']],
  tandem_upstream_active_servers: ['gauge', ['upstream']],
  tandem_upstream_backup_servers: ['gauge', ['upstream']],
  tandem_upstream_http_responses_total: ['counter', ['upstream', 'code']],
  tandem_upstream_connection_errors_total: ['counter', ['upstream']],
  tandem_upstream_http_request_duration_seconds: ['histogram', ['upstream']],
  tandem_upstream_tcp_connect_duration_seconds: ['histogram', ['upstream']],
  tandem_server_status: ['gauge', [...US, 'state']],
  tandem_server_current_connections: ['gauge', US],
  tandem_server_requests_total: ['counter', US],
  tandem_server_http_responses_total: ['counter', [...US, 'code']],
  tandem_server_bytes_in_total: ['counter', US],
  tandem_server_bytes_out_total: ['counter', US],
  tandem_server_connection_errors_total: ['counter', US],
  tandem_server_failures_total: ['counter', US],
  tandem_server_selected_total: ['counter', US],
  tandem_vrrp_state: ['gauge', VR],
  tandem_vrrp_priority: ['gauge', VR],
  tandem_vrrp_base_priority: ['gauge', VR],
  tandem_vrrp_last_transition_timestamp_seconds: ['gauge', VR],
  tandem_vrrp_transitions_total: ['counter', [...VR, 'to']],
  tandem_vrrp_adverts_received_total: ['counter', VR],
  tandem_vrrp_adverts_sent_total: ['counter', VR],
  tandem_vrrp_errors_total: ['counter', [...VR, 'reason']],
  tandem_tracker_up: ['gauge', ['kind', 'name']],
};

async function scrape(config: { native: boolean; keepalivedCompat: boolean; nginxCompat: boolean }) {
  const source = new FakeSource();
  source.instance.excludedVips = [{ address: '203.0.113.99/32', interface: 'eth0', installed: true }];
  const m = new Metrics({ config, processMetrics: false, version: '1.2.3' });
  m.attach(source);
  // Touch every push family once so each has a series whose labels can be checked.
  const peer = m.upstreamPeer('backend', '127.0.0.1:8081');
  peer.selected();
  peer.request();
  peer.response(200, 0.01);
  peer.connected(0.001);
  peer.connectionError();
  peer.failed();
  peer.bytes(10, 20);
  const fe = m.frontend('http:0.0.0.0:8080');
  fe.connectionOpened();
  fe.request();
  fe.response(200);
  fe.bytes(5, 6);
  m.configReloaded(true);
  return parsePromText(await m.text());
}

function assertExactly(families: Map<string, Family>, expected: Record<string, [string, string[]]>) {
  assert.deepEqual([...families.keys()].sort(), Object.keys(expected).sort());
  for (const [name, [type, labels]] of Object.entries(expected)) {
    const f = families.get(name)!;
    assert.equal(f.type, type, `${name} type`);
    assert.ok(f.samples.length > 0, `${name} has samples`);
    for (const s of f.samples) {
      const own = Object.keys(s.labels).filter((l) => !(type === 'histogram' && l === 'le'));
      assert.deepEqual(own.sort(), [...labels].sort(), `${name} labels`);
    }
  }
}

describe('metric names, types and labels', () => {
  it('keepalived_* matches mehdy/keepalived-exporter exactly', async () => {
    assertExactly(await scrape({ native: false, keepalivedCompat: true, nginxCompat: false }), KEEPALIVED);
  });

  it('nginx_* matches nginx-prometheus-exporter stub_status exactly, label-less', async () => {
    assertExactly(await scrape({ native: false, keepalivedCompat: false, nginxCompat: true }), NGINX);
  });

  it('nginx_* HELP and TYPE lines equal those of the real nginx-prometheus-exporter', async () => {
    // Recorded from Debian's prometheus-nginx-exporter 0.11.0 scraping nginx 1.22's stub_status.
    const header = (text: string) =>
      text
        .split('\n')
        .filter((l) => /^# (HELP|TYPE) nginx_/.test(l))
        .sort();
    const m = new Metrics({
      processMetrics: false,
      config: { native: false, keepalivedCompat: false, nginxCompat: true },
    });
    assert.deepEqual(
      header(await m.text()),
      header(readFileSync(fixture('admin', 'nginx-exporter-0.11.prom'), 'utf8')),
    );
  });

  it('native tandem_* set follows reference §3.5', async () => {
    assertExactly(await scrape({ native: true, keepalivedCompat: false, nginxCompat: false }), NATIVE);
  });

  it('all three sets together, each name once', async () => {
    const f = await scrape({ native: true, keepalivedCompat: true, nginxCompat: true });
    assert.equal(f.size, Object.keys({ ...KEEPALIVED, ...NGINX, ...NATIVE }).length);
  });

  it('a switched-off set disappears from /metrics and comes back when switched on', async () => {
    const m = new Metrics({ processMetrics: false });
    m.configure({ native: true, keepalivedCompat: false, nginxCompat: false });
    let names = [...parsePromText(await m.text()).keys()];
    assert.ok(names.every((n) => n.startsWith('tandem_')));
    m.configure({ native: false, keepalivedCompat: true, nginxCompat: false });
    names = [...parsePromText(await m.text()).keys()];
    assert.ok(names.length > 0 && names.every((n) => n.startsWith('keepalived_')));
  });

  it('process metrics come with the native set when enabled', async () => {
    const m = new Metrics({ config: { native: true, keepalivedCompat: false, nginxCompat: false } });
    const names = [...parsePromText(await m.text()).keys()];
    assert.ok(names.includes('process_cpu_seconds_total'));
    assert.ok(names.includes('nodejs_eventloop_lag_seconds'));
  });
});
