import type { Registry } from 'prom-client';
import { registerComputed } from './computed-family.js';
import type { StubStatus } from './frontend-metrics.js';

/**
 * Registers nginx-prometheus-exporter's stub_status set exactly (reference/performance.md §3.3):
 * label-less, `nginx_connections_accepted`/`_handled` are counters without `_total`. Values are the
 * sums the HTTP frontend handles keep; `reading` is always 0 because Node hands a request over only
 * after its headers are parsed, and `waiting` is active minus writing (nginx's keep-alive idle).
 */
export function registerNginxCompat(registry: Registry, stub: () => StubStatus): void {
  const reg = (name: string, help: string, type: 'counter' | 'gauge', value: (s: StubStatus) => number) => {
    registerComputed(registry, name, help, type, () => [{ labels: {}, value: value(stub()) }]);
  };
  reg('nginx_up', 'Status of the last metric scrape', 'gauge', () => 1);
  reg('nginx_connections_accepted', 'Accepted client connections', 'counter', (s) => s.accepted);
  reg('nginx_connections_active', 'Active client connections', 'gauge', (s) => s.active);
  reg('nginx_connections_handled', 'Handled client connections', 'counter', (s) => s.handled);
  reg('nginx_connections_reading', 'Connections where NGINX is reading the request header', 'gauge', () => 0);
  reg('nginx_connections_waiting', 'Idle client connections', 'gauge', (s) =>
    Math.max(0, s.active - s.writing),
  );
  reg(
    'nginx_connections_writing',
    'Connections where NGINX is writing the response back to the client',
    'gauge',
    (s) => Math.min(s.writing, s.active),
  );
  reg('nginx_http_requests_total', 'Total http requests', 'counter', (s) => s.requests);
}
