import { isLoopback } from '../config/adapt/tandem/host-port.js';
import type { AdminConfig } from '../config/model/tandem.js';

/** `host:port` as an operator writes it (`[v6]:port` for IPv6). */
export function formatListen(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Why the admin server must not listen where it is configured to, or undefined when it may: a
 * non-loopback address needs a bearer token, because `/config`, `/status` and the drain endpoints
 * would otherwise be open to the network.
 */
export function adminListenProblem(admin: AdminConfig): string | undefined {
  if (isLoopback(admin.host) || (admin.token !== undefined && admin.token.length > 0)) return undefined;
  const where = formatListen(admin.host, admin.port);
  return (
    `admin server refuses to listen on ${where} without a token: anyone who can reach it could read ` +
    `the configuration and drain servers; add "token=SECRET" to the admin directive in tandem.conf (or give ` +
    `--admin-token-file FILE), or ` +
    `listen on 127.0.0.1`
  );
}
