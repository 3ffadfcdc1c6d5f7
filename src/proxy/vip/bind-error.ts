import { isIP } from 'node:net';
import type { SourceLoc } from '../../config/source-loc.js';
import { formatDiagnostic, configError } from '../../core/diagnostic.js';
import { errnoText } from '../stream/errno-text.js';

/** `host:port` as nginx prints a listen address (`[2001:db8::1]:80` for IPv6). */
export function listenText(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** nginx's wording of a failed listen: `bind() to 198.51.100.9:80 failed (99: Cannot assign requested address)`. */
export function bindErrorText(host: string, port: number, err: unknown): string {
  return `bind() to ${listenText(host, port)} failed ${errnoText(err)}`;
}

/** The node error code of a failed bind (`EADDRINUSE`, `EADDRNOTAVAIL`, ...). */
export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
}

/**
 * A start-time bind failure as the operator sees it: located at the `listen` directive
 * (`nginx.conf:12:9: bind() to ... failed (99: ...)`), with a hint when the address is not local.
 */
export function locatedBindError(
  host: string,
  port: number,
  err: unknown,
  loc: SourceLoc | undefined,
): Error {
  const message =
    errorCode(err) === 'EADDRNOTAVAIL' ? locatedBindMessage(host, port) : bindErrorText(host, port, err);
  const text =
    loc === undefined ? message : formatDiagnostic(configError('TANDEM_LISTEN_BIND', message, loc));
  const out = new Error(text) as NodeJS.ErrnoException;
  out.code = errorCode(err);
  return out;
}

/** The message for a listen address that is not on this host and is no VIP (start and `-t`). */
export function locatedBindMessage(host: string, port: number): string {
  return (
    `bind() to ${listenText(host, port)} failed (99: Cannot assign requested address): ` +
    'the address is not on this host and no vrrp_instance has it as a VIP ' +
    '(add it to virtual_ipaddress, or set net.ipv4.ip_nonlocal_bind=1)'
  );
}
