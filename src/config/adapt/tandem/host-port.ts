import { isIP } from 'node:net';

/** A listening address. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `HOST:PORT`, `[V6]:PORT` or a bare `PORT` (loopback) into a host and port, or returns a
 * message saying what is wrong.
 */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort | string {
  let host = defaultHost;
  let portText = text;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6 !== null) {
    host = v6[1] ?? '';
    portText = v6[2] ?? '';
    if (isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  } else if (text.includes(':')) {
    const i = text.lastIndexOf(':');
    host = text.slice(0, i);
    portText = text.slice(i + 1);
    if (host !== 'localhost' && isIP(host) !== 4) return `"${host}" is not an IPv4 address or localhost`;
  }
  if (!/^\d+$/.test(portText)) return `invalid port in "${text}"`;
  const port = Number(portText);
  if (port > 65535) return `invalid port in "${text}"`;
  return { host, port };
}

/** True for addresses only this host can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
