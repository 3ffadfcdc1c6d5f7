import { spawnSync } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { isNginxIPv4 } from './url.js';

/**
 * Resolves a host name to its addresses, as nginx asks getaddrinfo(3) at startup
 * (ngx_inet_resolve_host); an empty list means "host not found".
 */
export type HostResolver = (host: string) => readonly string[];

/** The dotted quad ngx_inet_addr reads from a loose form (`127.0.0.` is 127.0.0.0). */
export function normaliseIPv4(text: string): string {
  return text
    .split('.')
    .map((p) => String(Number(p === '' ? '0' : p)))
    .join('.');
}

/**
 * The default resolver: IP literals resolve to themselves; any other name is looked up with
 * `getent ahosts`, which goes through the same getaddrinfo(3) and nsswitch as nginx, so `tandem -t`
 * refuses exactly the names `nginx -t` refuses ("host not found in upstream"). Answers are cached.
 */
export function createSystemResolver(timeoutMs = 5000): HostResolver {
  const cache = new Map<string, readonly string[]>();
  return (host) => {
    if (isNginxIPv4(host)) return [normaliseIPv4(host)];
    if (isIPv6(host)) return [host];
    const known = cache.get(host);
    if (known !== undefined) return known;
    // A name with characters no resolver accepts is not worth a process.
    const plausible = /^[A-Za-z0-9._-]{1,253}$/.test(host);
    const out = plausible
      ? spawnSync('getent', ['ahosts', host], { timeout: timeoutMs, encoding: 'utf8' })
      : undefined;
    const addresses =
      out?.status === 0
        ? [...new Set(out.stdout.split('\n').flatMap((l) => l.split(/\s+/, 1).filter(Boolean)))]
        : [];
    cache.set(host, addresses);
    return addresses;
  };
}
