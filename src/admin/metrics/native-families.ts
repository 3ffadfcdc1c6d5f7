import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The push-updated native `tandem_*` families (reference/performance.md §3.5): counters the data
 * paths increment through pre-bound children, so no request ever hashes a label object
 * (prometheus/client_js#594).
 */
export interface NativeFamilies {
  readonly frontendConnections: Counter<'frontend'>;
  readonly frontendCurrent: Gauge<'frontend'>;
  readonly frontendRequests: Counter<'frontend'>;
  readonly frontendResponses: Counter<'frontend' | 'code'>;
  readonly frontendBytesIn: Counter<'frontend'>;
  readonly frontendBytesOut: Counter<'frontend'>;
  readonly upstreamResponses: Counter<'upstream' | 'code'>;
  readonly upstreamConnectionErrors: Counter<'upstream'>;
  readonly upstreamRequestDuration: Histogram<'upstream'>;
  readonly upstreamConnectDuration: Histogram<'upstream'>;
  readonly serverRequests: Counter<'upstream' | 'server'>;
  readonly serverResponses: Counter<'upstream' | 'server' | 'code'>;
  readonly serverBytesIn: Counter<'upstream' | 'server'>;
  readonly serverBytesOut: Counter<'upstream' | 'server'>;
  readonly serverConnectionErrors: Counter<'upstream' | 'server'>;
  readonly serverFailures: Counter<'upstream' | 'server'>;
  readonly serverSelected: Counter<'upstream' | 'server'>;
  readonly configReloadSuccessful: Gauge;
  readonly configReloadTimestamp: Gauge;
}

const UPSTREAM_SERVER = ['upstream', 'server'] as const;
// Latency buckets from 1 ms to 10 s: a proxy's useful range, few enough to keep one histogram cheap.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the push families in `registry`. */
export function createNativeFamilies(registry: Registry): NativeFamilies {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = (name: string, help: string) =>
    new Histogram<'upstream'>({ name, help, labelNames: ['upstream'], buckets: DURATION_BUCKETS, registers });
  return {
    frontendConnections: counter('tandem_frontend_connections_total', 'Connections accepted', ['frontend']),
    frontendCurrent: new Gauge({
      name: 'tandem_frontend_current_connections',
      help: 'Connections open now',
      labelNames: ['frontend'],
      registers,
    }),
    frontendRequests: counter('tandem_frontend_http_requests_total', 'HTTP requests received', ['frontend']),
    frontendResponses: counter('tandem_frontend_http_responses_total', 'HTTP responses by status class', [
      'frontend',
      'code',
    ]),
    frontendBytesIn: counter('tandem_frontend_bytes_in_total', 'Bytes received from clients', ['frontend']),
    frontendBytesOut: counter('tandem_frontend_bytes_out_total', 'Bytes sent to clients', ['frontend']),
    upstreamResponses: counter('tandem_upstream_http_responses_total', 'Upstream responses by status class', [
      'upstream',
      'code',
    ]),
    upstreamConnectionErrors: counter(
      'tandem_upstream_connection_errors_total',
      'Failed connections to any server of the upstream',
      ['upstream'],
    ),
    upstreamRequestDuration: histogram(
      'tandem_upstream_http_request_duration_seconds',
      'Time from sending the request upstream to the end of the response',
    ),
    upstreamConnectDuration: histogram(
      'tandem_upstream_tcp_connect_duration_seconds',
      'Time to establish a TCP connection to a server',
    ),
    serverRequests: counter('tandem_server_requests_total', 'Requests sent to the server', UPSTREAM_SERVER),
    serverResponses: counter('tandem_server_http_responses_total', 'Server responses by status class', [
      ...UPSTREAM_SERVER,
      'code',
    ]),
    serverBytesIn: counter('tandem_server_bytes_in_total', 'Bytes received from the server', UPSTREAM_SERVER),
    serverBytesOut: counter('tandem_server_bytes_out_total', 'Bytes sent to the server', UPSTREAM_SERVER),
    serverConnectionErrors: counter(
      'tandem_server_connection_errors_total',
      'Failed connections to the server',
      UPSTREAM_SERVER,
    ),
    serverFailures: counter(
      'tandem_server_failures_total',
      'Failed attempts counted against max_fails (nginx passive health)',
      UPSTREAM_SERVER,
    ),
    serverSelected: counter(
      'tandem_server_selected_total',
      'Times the balancer picked the server',
      UPSTREAM_SERVER,
    ),
    configReloadSuccessful: new Gauge({
      name: 'tandem_config_last_reload_successful',
      help: 'Whether the last configuration reload succeeded (1) or failed (0)',
      registers,
    }),
    configReloadTimestamp: new Gauge({
      name: 'tandem_config_last_reload_success_timestamp_seconds',
      help: 'When the configuration was last loaded successfully',
      registers,
    }),
  };
}
