import { tandemVersion } from '../../cli/version.js';
import { Metrics, type MetricsOptions } from './metrics.js';

let shared: Metrics | undefined;

/**
 * The process-wide metrics facade the data paths and the admin server share (one prom-client
 * registry set per process, as Prometheus expects one `/metrics` per target). Options apply only
 * to the first call, which creates it.
 */
export function sharedMetrics(options?: MetricsOptions): Metrics {
  shared ??= new Metrics({ version: tandemVersion, ...options });
  return shared;
}
