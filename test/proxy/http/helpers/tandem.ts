import { createMemoryLogger, type LogRecord } from '../../../../src/core/logger.js';
import type { Diagnostic } from '../../../../src/core/diagnostic.js';
import type { AccessLogSink } from '../../../../src/proxy/http/access-log.js';
import { HttpProxy } from '../../../../src/proxy/http/http-proxy.js';
import type { HttpServerParams, UpstreamPicker } from '../../../../src/proxy/http/types.js';

/** A running Tandem data path for a test. */
export interface RunningTandem {
  readonly proxy: HttpProxy;
  /** The first bound port. */
  readonly port: number;
  readonly logs: LogRecord[];
  readonly diagnostics: Diagnostic[];
  /** The `error`-level messages logged so far. */
  errors(): string[];
  close(): Promise<void>;
}

/** Starts HttpProxy on the given server blocks; `pickers` maps proxy_pass targets to balancers. */
export async function startTandem(
  servers: HttpServerParams[],
  pickers: Record<string, UpstreamPicker>,
  accessLog?: AccessLogSink,
): Promise<RunningTandem> {
  const { logger, records } = createMemoryLogger();
  const { proxy, diagnostics } = HttpProxy.create({
    servers,
    logger,
    pickerFor: (target) => pickers[target.upstream],
    ...(accessLog === undefined ? {} : { accessLog }),
  });
  await proxy.listen();
  return {
    proxy,
    port: proxy.addresses()[0]?.port ?? 0,
    logs: records,
    diagnostics,
    errors: () => records.filter((r) => r.level === 'error').map((r) => r.msg),
    close: () => proxy.close(),
  };
}
