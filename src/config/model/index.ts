import type { KeepalivedConfig } from './keepalived.js';
import type { NginxConfig } from './nginx.js';
import type { TandemConfig } from './tandem.js';

export type { KeepalivedConfig } from './keepalived.js';
export type { NginxConfig } from './nginx.js';
export type {
  AdminConfig,
  BalancerChoiceConfig,
  DumpConfig,
  LogConfig,
  MetricsConfig,
  ProxyHealthConfig,
  TandemConfig,
  TrackChoiceConfig,
} from './tandem.js';

/** The whole frozen model the daemon runs from: plain, readonly, JSON-serialisable data. */
export interface Model {
  readonly tandem: TandemConfig;
  readonly keepalived?: KeepalivedConfig;
  readonly nginx?: NginxConfig;
}
