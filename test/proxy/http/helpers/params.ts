import { defaultNextUpstream } from '../../../../src/proxy/next-upstream.js';
import type { HttpServerParams, LocationParams } from '../../../../src/proxy/http/types.js';

/** A proxying location with nginx 1.22's defaults, overridden by `over`. */
export function loc(over: Partial<LocationParams> = {}): LocationParams {
  return {
    match: 'prefix',
    path: '/',
    proxyPass: { scheme: 'http', upstream: 'backend' },
    setHeaders: [],
    httpVersion: '1.0',
    connectTimeoutMs: 60_000,
    readTimeoutMs: 60_000,
    sendTimeoutMs: 60_000,
    buffering: true,
    passRequestHeaders: true,
    nextUpstream: defaultNextUpstream,
    ...over,
  };
}

/** A `return CODE TEXT` location. */
export function ret(match: LocationParams['match'], path: string, text: string, code = 200): LocationParams {
  const { proxyPass: _p, ...rest } = loc({ match, path });
  return { ...rest, return: { code, text } };
}

/** A server block on 127.0.0.1:0 (blocks on port 0 share one socket). */
export function server(
  locations: LocationParams[],
  serverNames: string[] = [''],
  defaultServer = false,
): HttpServerParams {
  return { listen: [{ host: '127.0.0.1', port: 0, defaultServer }], serverNames, locations };
}
