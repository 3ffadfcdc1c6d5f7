import type {
  HttpServerParams,
  LocationParams,
  NginxHttpConfig,
  NginxHttpProxySettings,
  NginxLocationConfig,
  NginxProxyPassConfig,
  ProxyPassParams,
} from '../../src/index.js';

const MATCH: Readonly<Record<NginxLocationConfig['match'], LocationParams['match'] | undefined>> = {
  exact: '=',
  'prefix-no-regex': '^~',
  prefix: 'prefix',
  regex: '~',
  iregex: '~*',
  named: undefined,
};

/** `proxy_pass` as the data path takes it: an upstream name or the host:port of an implicit one. */
export function proxyPassOf(p: NginxProxyPassConfig | undefined): ProxyPassParams | undefined {
  const t = p?.target;
  if (p === undefined || t === undefined || p.scheme === 'https' || t.kind === 'unix') return undefined;
  const upstream = t.kind === 'upstream' ? t.name : t.ipv6 ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  return { scheme: 'http', upstream, ...(p.uri === undefined ? {} : { uri: p.uri }) };
}

function locationOf(l: NginxLocationConfig, s: NginxHttpProxySettings = l.proxy): LocationParams | undefined {
  const match = MATCH[l.match];
  if (match === undefined) return undefined;
  const proxyPass = proxyPassOf(l.proxyPass);
  return {
    match,
    path: l.path,
    ...(proxyPass === undefined ? {} : { proxyPass }),
    ...(l.return === undefined
      ? {}
      : {
          return:
            l.return.text === undefined
              ? { code: l.return.code }
              : { code: l.return.code, text: l.return.text },
        }),
    setHeaders: s.setHeaders,
    httpVersion: s.httpVersion,
    connectTimeoutMs: s.connectTimeoutMs,
    readTimeoutMs: s.readTimeoutMs,
    sendTimeoutMs: s.sendTimeoutMs,
    buffering: s.buffering,
    passRequestHeaders: s.passRequestHeaders,
    // `updating` concerns proxy_cache, which Tandem does not have.
    nextUpstream: {
      conditions: s.nextUpstream.filter((c) => c !== 'updating'),
      tries: s.nextUpstreamTries,
      timeoutMs: s.nextUpstreamTimeoutMs,
    },
  };
}

/**
 * The http block's servers as the data path runs them. Nested locations are listed after their
 * parent (each carries its own effective settings, inheritance already resolved by the adapter);
 * named locations are reachable only by internal redirects, which Tandem does not do.
 */
export function httpServerParams(http: NginxHttpConfig): HttpServerParams[] {
  const flatten = (list: readonly NginxLocationConfig[]): NginxLocationConfig[] =>
    list.flatMap((l) => [l, ...flatten(l.locations)]);
  return http.servers.map((s) => {
    const locations = flatten(s.locations)
      .map((l) => locationOf(l))
      .filter((l): l is LocationParams => l !== undefined);
    // A server-level `return` answers every request, as nginx's rewrite phase runs first.
    if (s.return !== undefined) {
      const code = s.return.code;
      const ret = s.return.text === undefined ? { code } : { code, text: s.return.text };
      const base = locationOf({ match: 'prefix', path: '/', proxy: s.proxy, locations: [], loc: s.loc });
      if (base !== undefined) locations.unshift({ ...base, return: ret });
    }
    return {
      listen: s.listen
        .filter((l) => l.unixPath === undefined)
        .map((l) => ({
          host: l.host === '*' ? '0.0.0.0' : l.host,
          port: l.port,
          defaultServer: l.defaultServer,
          loc: l.loc,
        })),
      serverNames: s.serverNames,
      locations,
    };
  });
}
