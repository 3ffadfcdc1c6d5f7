import type { Registry } from 'prom-client';
import { CODE_CLASSES } from './code-class.js';
import { registerComputed, type FamilyValue } from './computed-family.js';
import type { DurationHistogram } from './duration-histogram.js';
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

/** A plain per-handle family: name, help, type and the field it reads. */
type Row<H> = readonly [string, string, 'counter' | 'gauge', (h: H) => number];

const FRONTEND: readonly Row<FrontendMetrics>[] = [
  ['tandem_frontend_connections_total', 'Client connections accepted', 'counter', (f) => f.connections],
  ['tandem_frontend_current_connections', 'Client connections open now', 'gauge', (f) => f.current],
  ['tandem_frontend_http_requests_total', 'HTTP requests received', 'counter', (f) => f.requests],
  ['tandem_frontend_bytes_in_total', 'Bytes received from clients', 'counter', (f) => f.bytesIn],
  ['tandem_frontend_bytes_out_total', 'Bytes sent to clients', 'counter', (f) => f.bytesOut],
];
const UPSTREAM: readonly Row<UpstreamMetrics>[] = [
  [
    'tandem_upstream_connection_errors_total',
    'Failed connections to any server of the upstream',
    'counter',
    (u) => u.connectionErrors,
  ],
];
const SERVER: readonly Row<PeerMetrics>[] = [
  ['tandem_server_requests_total', 'Requests sent to the server', 'counter', (p) => p.requests],
  ['tandem_server_bytes_in_total', 'Bytes received from the server', 'counter', (p) => p.bytesIn],
  ['tandem_server_bytes_out_total', 'Bytes sent to the server', 'counter', (p) => p.bytesOut],
  [
    'tandem_server_connection_errors_total',
    'Failed connections to the server',
    'counter',
    (p) => p.connectionErrors,
  ],
  [
    'tandem_server_failures_total',
    'Failed attempts counted against max_fails (nginx passive health)',
    'counter',
    (p) => p.failures,
  ],
  ['tandem_server_selected_total', 'Times the balancer picked the server', 'counter', (p) => p.selections],
];

/**
 * Registers the data-path `tandem_*` families (reference/performance.md §3.5): frontends, upstream
 * totals and latency histograms, and per-server counters, all computed from the handles at scrape.
 * Every series exists (at 0) from the moment its handle is made, so `rate()` works from the first scrape.
 */
export function registerNativePush(registry: Registry, s: PushState): void {
  const table = <H extends Handle>(rows: readonly Row<H>[], items: () => Iterable<H>) => {
    for (const [name, help, type, value] of rows)
      registerComputed(registry, name, help, type, simple(items, value));
  };
  const fe = () => s.frontends();
  const up = () => s.upstreams();
  const peers = () => s.peers();
  table(FRONTEND, fe);
  table(UPSTREAM, up);
  table(SERVER, peers);
  registerComputed(
    registry,
    'tandem_frontend_http_responses_total',
    'HTTP responses by status class',
    'counter',
    byCode(fe),
  );
  registerComputed(
    registry,
    'tandem_upstream_http_responses_total',
    'Upstream responses by status class',
    'counter',
    byCode(up),
  );
  registerComputed(
    registry,
    'tandem_server_http_responses_total',
    'Server responses by status class',
    'counter',
    byCode(peers),
  );
  const histogram = (name: string, help: string, pick: (u: UpstreamMetrics) => DurationHistogram) => {
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
}
