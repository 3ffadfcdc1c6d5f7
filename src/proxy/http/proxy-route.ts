import type { Logger } from '../../core/logger.js';
import type { KeepalivePool } from './keepalive-pool.js';
import type { RedirectRule } from './proxy-redirect.js';
import type { HeadTemplate } from './request-head.js';
import type { DecideNext, LocationParams, UpstreamPicker } from './types.js';

/** Everything a proxying location needs at request time, compiled once per config. */
export interface ProxyRoute {
  readonly location: LocationParams;
  readonly picker: UpstreamPicker;
  /** The upstream's keep-alive cache, shared by every location proxying to it. */
  readonly pool: KeepalivePool | undefined;
  readonly head: HeadTemplate;
  /** `proxy_redirect default` for this location, if any. */
  readonly redirect: RedirectRule | undefined;
  readonly decideNext: DecideNext;
  readonly logger: Logger;
  readonly signature: string;
  /** Request bodies up to this size are buffered so a failed attempt can be retried (nginx client_body_buffer_size). */
  readonly bodyBufferBytes: number;
  /** nginx `client_max_body_size` (0 = unlimited): larger bodies get 413. */
  readonly maxBodyBytes: number;
}
