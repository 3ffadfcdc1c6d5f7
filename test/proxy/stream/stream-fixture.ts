import { SystemClock } from '../../../src/core/clock.js';
import { createMemoryLogger, type LogRecord } from '../../../src/core/logger.js';
import type { StrategyPlugin } from '../../../src/core/plugin.js';
import { serverParams, type MethodOptions, type ServerParams } from '../../../src/proxy/upstream/params.js';
import { createUpstream } from '../../../src/proxy/upstream/upstream.js';
import { StreamListener } from '../../../src/proxy/stream/stream-listener.js';
import { STREAM_DEFAULTS, type StreamServerParams } from '../../../src/proxy/stream/types.js';
import hashPlugin from '../../../plugins/balancer-hash/index.js';
import leastConnPlugin from '../../../plugins/balancer-least-conn/index.js';
import randomPlugin from '../../../plugins/balancer-random/index.js';
import roundRobinPlugin from '../../../plugins/balancer-round-robin/index.js';

const strategies: Readonly<Record<string, StrategyPlugin>> = {
  round_robin: roundRobinPlugin,
  hash: hashPlugin,
  least_conn: leastConnPlugin,
  random: randomPlugin,
};

/** One upstream server for a test: its port and nginx parameters. */
export interface TestServer {
  readonly port: number;
  readonly params?: Partial<Omit<ServerParams, 'name'>>;
}

/** A Tandem stream listener on 127.0.0.1 for a test, with its log records. */
export interface TestStream {
  readonly listener: StreamListener;
  readonly port: number;
  readonly records: LogRecord[];
  close(): Promise<void>;
}

/** Builds and starts a stream listener the way the stream service will from the nginx model. */
export async function startStream(
  servers: readonly TestServer[],
  options: {
    method?: string;
    methodOptions?: MethodOptions;
    port?: number;
    params?: Partial<Omit<StreamServerParams, 'upstream' | 'listen'>>;
  } = {},
): Promise<TestStream> {
  const { logger, records } = createMemoryLogger();
  const clock = new SystemClock();
  const method = options.method ?? 'round_robin';
  const plugin = strategies[method];
  if (plugin === undefined) throw new Error(`no strategy ${method}`);
  const upstream = createUpstream(
    {
      name: 'backend',
      method,
      ...(options.methodOptions ? { options: options.methodOptions } : {}),
      servers: servers.map((s) => serverParams(`127.0.0.1:${s.port}`, s.params ?? {})),
    },
    plugin,
    { clock, random: Math.random },
  );
  const key = options.methodOptions?.key;
  const listener = new StreamListener(
    {
      ...STREAM_DEFAULTS,
      ...options.params,
      listen: { host: '127.0.0.1', port: options.port ?? 0 },
      upstream,
      ...(key === undefined ? {} : { hashKey: key }),
    },
    { log: logger, clock },
  );
  const a = await listener.listen();
  return { listener, port: a.port, records, close: () => listener.close(AbortSignal.timeout(2000)) };
}
