import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/index.js';
import { FakeSource } from './fake-source.js';
import { parsePromText, valueOf } from './prom-text.js';

function setup() {
  let wall = 1_800_000_000_000;
  const source = new FakeSource();
  const m = new Metrics({ processMetrics: false, wallNow: () => wall });
  m.attach(source);
  const scrape = async () => parsePromText(await m.text());
  return { source, m, scrape, setWall: (ms: number) => (wall = ms) };
}

const VI = { iname: 'VI_1', intf: 'eth0', vrid: '51' };
const NVI = { instance: 'VI_1', interface: 'eth0', vrid: '51' };

describe('metric values follow the daemon', () => {
  it('VRRP state changes move keepalived_* and tandem_vrrp_*', async () => {
    const { source, scrape } = setup();
    let f = await scrape();
    assert.equal(valueOf(f, 'keepalived_vrrp_state', { ...VI, ip_address: '203.0.113.10/24' }), 2);
    // The second VIP sits on another device: the exporter labels intf with the VIP's device.
    assert.equal(
      valueOf(f, 'keepalived_vrrp_state', { iname: 'VI_1', intf: 'eth1', ip_address: '203.0.113.11/24' }),
      2,
    );
    assert.equal(valueOf(f, 'tandem_vrrp_state', NVI), 2);

    source.become('BACKUP', 1_800_000_100_000);
    source.instance.effectivePriority = 140;
    source.instance.stats = { ...source.instance.stats, advert_rcvd: 7, ip_ttl_err: 2 };
    f = await scrape();
    assert.equal(valueOf(f, 'keepalived_vrrp_state', { ...VI, ip_address: '203.0.113.10/24' }), 1);
    assert.equal(valueOf(f, 'keepalived_release_master_total', VI), 1);
    assert.equal(valueOf(f, 'keepalived_advertisements_received_total', VI), 7);
    assert.equal(valueOf(f, 'keepalived_ip_ttl_errors_total', VI), 2);
    assert.equal(valueOf(f, 'tandem_vrrp_state', NVI), 1);
    assert.equal(valueOf(f, 'tandem_vrrp_priority', NVI), 140);
    assert.equal(valueOf(f, 'tandem_vrrp_transitions_total', { ...NVI, to: 'BACKUP' }), 2);
    assert.equal(valueOf(f, 'tandem_vrrp_errors_total', { ...NVI, reason: 'ip_ttl_err' }), 2);
    assert.equal(valueOf(f, 'tandem_vrrp_last_transition_timestamp_seconds', NVI), 1_800_000_100);

    source.become('FAULT', 1_800_000_200_000);
    source.instance.trackers = [
      { kind: 'script', name: 'chk_nginx', up: false, reason: 'exit 1', weight: 0 },
    ];
    f = await scrape();
    assert.equal(valueOf(f, 'keepalived_vrrp_state', { ...VI, ip_address: '203.0.113.10/24' }), 3);
    assert.equal(valueOf(f, 'keepalived_script_status', { name: 'chk_nginx' }), 0);
    assert.equal(valueOf(f, 'tandem_tracker_up', { kind: 'script', name: 'chk_nginx' }), 0);

    source.become('MASTER', 1_800_000_300_000);
    f = await scrape();
    assert.equal(valueOf(f, 'keepalived_become_master_total', VI), 2);
    assert.equal(valueOf(f, 'tandem_vrrp_transitions_total', { ...NVI, to: 'MASTER' }), 2);
  });

  it('an instance without VIPs still has keepalived_vrrp_state with ip_address ""', async () => {
    const { source, scrape } = setup();
    source.instance.vips = [];
    const f = await scrape();
    assert.equal(valueOf(f, 'keepalived_vrrp_state', { ...VI, ip_address: '' }), 2);
  });

  it('requests flowing move server, upstream, frontend and nginx stub_status counters', async () => {
    const { m, scrape } = setup();
    const fe = m.frontend('http:0.0.0.0:8080');
    const a = m.upstreamPeer('backend', '127.0.0.1:8081');
    const b = m.upstreamPeer('backend', '127.0.0.1:8082');
    assert.equal(m.upstreamPeer('backend', '127.0.0.1:8081'), a, 'the handle is cached');
    let f = await scrape();
    // A new handle's series exist at 0 before the first request.
    assert.equal(valueOf(f, 'tandem_server_requests_total', { server: '127.0.0.1:8082' }), 0);

    fe.connectionOpened();
    for (let i = 0; i < 3; i++) {
      fe.request();
      const peer = i % 2 === 0 ? a : b;
      peer.selected();
      peer.request();
      peer.response(i === 2 ? 502 : 200, 0.003);
      fe.response(i === 2 ? 502 : 200);
      fe.bytes(100, 200);
    }
    fe.request(); // one still in flight
    assert.deepEqual(a.statusFields(), {
      selections: 2,
      requests: 2,
      responses: { '1xx': 0, '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 1 },
      connectionErrors: 0,
    });
    b.connectionError();
    f = await scrape();
    assert.equal(valueOf(f, 'tandem_server_requests_total', { server: '127.0.0.1:8081' }), 2);
    assert.equal(valueOf(f, 'tandem_server_selected_total', { server: '127.0.0.1:8082' }), 1);
    assert.equal(
      valueOf(f, 'tandem_server_http_responses_total', { server: '127.0.0.1:8081', code: '5xx' }),
      1,
    );
    assert.equal(
      valueOf(f, 'tandem_server_http_responses_total', { server: '127.0.0.1:8081', code: '2xx' }),
      1,
    );
    assert.equal(valueOf(f, 'tandem_upstream_http_responses_total', { upstream: 'backend', code: '2xx' }), 2);
    assert.equal(valueOf(f, 'tandem_upstream_connection_errors_total', { upstream: 'backend' }), 1);
    assert.equal(valueOf(f, 'tandem_server_connection_errors_total', { server: '127.0.0.1:8082' }), 1);
    assert.equal(
      valueOf(f, 'tandem_upstream_http_request_duration_seconds_bucket', {
        upstream: 'backend',
        le: '0.005',
      }),
      3,
    );
    assert.equal(
      valueOf(f, 'tandem_upstream_http_request_duration_seconds_bucket', {
        upstream: 'backend',
        le: '0.001',
      }),
      0,
    );
    assert.equal(
      valueOf(f, 'tandem_upstream_http_request_duration_seconds_count', { upstream: 'backend' }),
      3,
    );
    assert.equal(valueOf(f, 'tandem_frontend_http_requests_total'), 4);
    assert.equal(valueOf(f, 'tandem_frontend_bytes_out_total'), 600);
    assert.equal(valueOf(f, 'nginx_http_requests_total'), 4);
    assert.equal(valueOf(f, 'nginx_connections_accepted'), 1);
    assert.equal(valueOf(f, 'nginx_connections_handled'), 1);
    assert.equal(valueOf(f, 'nginx_connections_active'), 1);
    assert.equal(valueOf(f, 'nginx_connections_writing'), 1);
    assert.equal(valueOf(f, 'nginx_connections_waiting'), 0);

    fe.response(200);
    fe.connectionRefused();
    f = await scrape();
    assert.equal(valueOf(f, 'nginx_connections_writing'), 0);
    assert.equal(valueOf(f, 'nginx_connections_waiting'), 1);
    assert.equal(valueOf(f, 'nginx_connections_accepted'), 2);
    assert.equal(valueOf(f, 'nginx_connections_handled'), 1);
    fe.connectionClosed();
    f = await scrape();
    assert.equal(valueOf(f, 'nginx_connections_active'), 0);
    assert.equal(valueOf(f, 'tandem_frontend_current_connections'), 0);
  });

  it('stream frontends are not in nginx stub_status (an http-module feature)', async () => {
    const { m, scrape } = setup();
    m.frontend('stream:0.0.0.0:5432', 'stream').connectionOpened();
    const f = await scrape();
    assert.equal(valueOf(f, 'nginx_connections_accepted'), 0);
    assert.equal(valueOf(f, 'tandem_frontend_connections_total', { frontend: 'stream:0.0.0.0:5432' }), 1);
  });

  it('drain shows in tandem_server_status and tandem_upstream_active_servers', async () => {
    const { source, scrape } = setup();
    const s = { upstream: 'backend', server: '127.0.0.1:8082' };
    let f = await scrape();
    assert.equal(valueOf(f, 'tandem_server_status', { ...s, state: 'UP' }), 1);
    assert.equal(valueOf(f, 'tandem_upstream_active_servers', { upstream: 'backend' }), 2);
    source.drain('backend', '127.0.0.1:8082');
    f = await scrape();
    assert.equal(valueOf(f, 'tandem_server_status', { ...s, state: 'DRAIN' }), 1);
    assert.equal(valueOf(f, 'tandem_server_status', { ...s, state: 'UP' }), 0);
    assert.equal(valueOf(f, 'tandem_upstream_active_servers', { upstream: 'backend' }), 1);
  });

  it('config reloads set tandem_config_last_reload_successful and keep the last success time', async () => {
    const { m, scrape, setWall } = setup();
    m.configReloaded(true);
    let f = await scrape();
    assert.equal(valueOf(f, 'tandem_config_last_reload_successful'), 1);
    assert.equal(valueOf(f, 'tandem_config_last_reload_success_timestamp_seconds'), 1_800_000_000);
    setWall(1_800_000_050_000);
    m.configReloaded(false);
    f = await scrape();
    assert.equal(valueOf(f, 'tandem_config_last_reload_successful'), 0);
    assert.equal(valueOf(f, 'tandem_config_last_reload_success_timestamp_seconds'), 1_800_000_000);
  });

  it('retain() drops the series of servers and frontends a reload removed', async () => {
    const { m, scrape } = setup();
    m.upstreamPeer('backend', '127.0.0.1:8081').request();
    m.upstreamPeer('backend', '127.0.0.1:8089').request();
    m.frontend('old').request();
    m.retain({ upstreams: new Map([['backend', new Set(['127.0.0.1:8081'])]]), frontends: new Set() });
    const f = await scrape();
    assert.equal(valueOf(f, 'tandem_server_requests_total', { server: '127.0.0.1:8081' }), 1);
    assert.throws(() => valueOf(f, 'tandem_server_requests_total', { server: '127.0.0.1:8089' }));
    assert.equal(f.get('tandem_frontend_http_requests_total')?.samples.length, 0);
  });
});
