import { Counter, Gauge, type Registry } from 'prom-client';
import type { StubStatus } from './frontend-metrics.js';

/**
 * Registers nginx-prometheus-exporter's stub_status set exactly (reference/performance.md §3.3):
 * label-less, `nginx_connections_accepted`/`_handled` are counters without `_total`. Values are the
 * sums the HTTP frontend handles keep; `reading` is always 0 because Node hands a request over only
 * after its headers are parsed, and `waiting` is active minus writing (nginx's keep-alive idle).
 */
export function registerNginxCompat(registry: Registry, stub: () => StubStatus): void {
  const registers = [registry];
  new Gauge({
    name: 'nginx_up',
    help: 'Status of the last metric scrape',
    registers,
    collect() {
      this.set(1);
    },
  });
  const counter = (name: string, help: string, value: (s: StubStatus) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(value(stub()));
      },
    });
  const gauge = (name: string, help: string, value: (s: StubStatus) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(stub()));
      },
    });
  counter('nginx_connections_accepted', 'Accepted client connections', (s) => s.accepted);
  gauge('nginx_connections_active', 'Active client connections', (s) => s.active);
  counter('nginx_connections_handled', 'Handled client connections', (s) => s.handled);
  gauge('nginx_connections_reading', 'Connections where NGINX is reading the request header', () => 0);
  gauge('nginx_connections_waiting', 'Idle client connections', (s) => Math.max(0, s.active - s.writing));
  gauge(
    'nginx_connections_writing',
    'Connections where NGINX is writing the response back to the client',
    (s) => Math.min(s.writing, s.active),
  );
  counter('nginx_http_requests_total', 'Total http requests', (s) => s.requests);
}
