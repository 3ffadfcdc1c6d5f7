import { spawnSync } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { isNginxIPv4 } from './url.js';

/** Answers whether a host name resolves, as nginx asks getaddrinfo(3) at startup (ngx_inet_resolve_host). */
export type HostResolver = (host: string) => boolean;

/**
 * The default resolver: IP literals and `localhost` always resolve; any other name is looked up with
 * `getent ahosts`, which goes through the same getaddrinfo(3) and nsswitch as nginx, so `tandem -t`
 * refuses exactly the names `nginx -t` refuses ("host not found in upstream"). Answers are cached.
 */
export function createSystemResolver(timeoutMs = 5000): HostResolver {
  const cache = new Map<string, boolean>();
  return (host) => {
    if (isNginxIPv4(host) || isIPv6(host) || host.toLowerCase() === 'localhost') return true;
    const known = cache.get(host);
    if (known !== undefined) return known;
    // A name with characters no resolver accepts is not worth a process.
    const plausible = /^[A-Za-z0-9._-]{1,253}$/.test(host);
    const found =
      plausible &&
      spawnSync('getent', ['ahosts', host], { timeout: timeoutMs, stdio: 'ignore' }).status === 0;
    cache.set(host, found);
    return found;
  };
}
