import type { Registry } from 'prom-client';
import { CODE_CLASSES } from './code-class.js';
import { registerComputed, type FamilyValue } from './computed-family.js';
import type { FrontendMetrics } from './frontend-metrics.js';
import type { PeerMetrics, UpstreamMetrics } from './peer-metrics.js';

/** What the data-path families read at scrape time: the facade's cached handles. */
export interface PushState {
  frontends(): Iterable<FrontendMetrics>;
  upstreams(): Iterable<UpstreamMetrics>;
  peers(): Iterable<PeerMetrics>;
}

type Handle = { readonly labels: Readonly<Record<string, string>> };

function simple<H extends Handle>(items: () => Iterable<H>, value: (h: H) => number): () => FamilyValue[] {
  return () => {
    const out: FamilyValue[] = [];
    for (const h of items()) out.push({ labels: h.labels, value: value(h) });
    return out;
  };
}

function byCode<H extends Handle & { readonly responses: readonly number[] }>(
  items: () => Iterable<H>,
): () => FamilyValue[] {
  return () => {
    const out: FamilyValue[] = [];
    for (const h of items())
      CODE_CLASSES.forEach((code, i) =>
        out.push({ labels: { ...h.labels, code }, value: h.responses[i] ?? 0 }),
      );
    return out;
  };
}

/**
 * Registers the data-path `tandem_*` families (reference/performance.md §3.5): frontends, upstream
 * totals and latency histograms, and per-server counters, all computed from the handles at scrape.
 * Every series starts at 0 when its handle is made, so `rate()` works from the first scrape.
 */
export function registerNativePush(registry: Registry, s: PushState): void {
  const fe = () => s.frontends();
  const up = () => s.upstreams();
  const peers = () => s.peers();
  const reg = (name: string, help: string, type: 'counter' | 'gauge', values: () => FamilyValue[]) => {
    registerComputed(registry, name, help, type, values);
  };
  reg(
    'tandem_frontend_connections_total',
    'Client connections accepted',
    'counter',
    simple(fe, (f) => f.connections),
  );
  reg(
    'tandem_frontend_current_connections',
    'Client connections open now',
    'gauge',
    simple(fe, (f) => f.current),
  );
  reg(
    'tandem_frontend_http_requests_total',
    'HTTP requests received',
    'counter',
    simple(fe, (f) => f.requests),
  );
  reg('tandem_frontend_http_responses_total', 'HTTP responses by status class', 'counter', byCode(fe));
  reg(
    'tandem_frontend_bytes_in_total',
    'Bytes received from clients',
    'counter',
    simple(fe, (f) => f.bytesIn),
  );
  reg(
    'tandem_frontend_bytes_out_total',
    'Bytes sent to clients',
    'counter',
    simple(fe, (f) => f.bytesOut),
  );
  reg('tandem_upstream_http_responses_total', 'Upstream responses by status class', 'counter', byCode(up));
  reg(
    'tandem_upstream_connection_errors_total',
    'Failed connections to any server of the upstream',
    'counter',
    simple(up, (u) => u.connectionErrors),
  );
  const histogram = (
    name: string,
    help: string,
    pick: (u: UpstreamMetrics) => UpstreamMetrics['requestDuration'],
  ) => {
    registerComputed(registry, name, help, 'histogram', () => {
      const out: FamilyValue[] = [];
      for (const u of up()) pick(u).samples(name, u.labels, out);
      return out;
    });
  };
  histogram(
    'tandem_upstream_http_request_duration_seconds',
    'Time from sending the request upstream to the end of the response',
    (u) => u.requestDuration,
  );
  histogram(
    'tandem_upstream_tcp_connect_duration_seconds',
    'Time to establish a TCP connection to a server',
    (u) => u.connectDuration,
  );
  reg(
    'tandem_server_requests_total',
    'Requests sent to the server',
    'counter',
    simple(peers, (p) => p.requests),
  );
  reg('tandem_server_http_responses_total', 'Server responses by status class', 'counter', byCode(peers));
  reg(
    'tandem_server_bytes_in_total',
    'Bytes received from the server',
    'counter',
    simple(peers, (p) => p.bytesIn),
  );
  reg(
    'tandem_server_bytes_out_total',
    'Bytes sent to the server',
    'counter',
    simple(peers, (p) => p.bytesOut),
  );
  reg(
    'tandem_server_connection_errors_total',
    'Failed connections to the server',
    'counter',
    simple(peers, (p) => p.connectionErrors),
  );
  reg(
    'tandem_server_failures_total',
    'Failed attempts counted against max_fails (nginx passive health)',
    'counter',
    simple(peers, (p) => p.failures),
  );
  reg(
    'tandem_server_selected_total',
    'Times the balancer picked the server',
    'counter',
    simple(peers, (p) => p.selections),
  );
}
