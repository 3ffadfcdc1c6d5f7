import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { canonicalAddress } from './listen-decision.js';

/** TCP_LISTEN in /proc/net/tcp's `st` column (include/net/tcp_states.h). */
const LISTEN = '0A';

/** /proc/net/tcp writes each 32-bit word of the address in host byte order (little-endian here). */
function addressOf(hex: string, v6: boolean): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (!v6) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalAddress(groups.join(':'));
}

/** The listening TCP sockets of a /proc/net/tcp or tcp6 text, as `address port` pairs. */
export function listeningSockets(text: string, v6: boolean): { address: string; port: number }[] {
  const out: { address: string; port: number }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (local === undefined || f[3] !== LISTEN) continue;
    const [hex, port] = local.split(':');
    if (hex === undefined || port === undefined) continue;
    out.push({ address: addressOf(hex, v6), port: parseInt(port, 16) });
  }
  return out;
}

/**
 * Whether some socket in this network namespace listens where a bind to `host:port` would collide
 * (the same address or the wildcard of its family): the kernel's view, read without binding, so a
 * BACKUP can tell whether the port it failed to bind as MASTER is free again before the VIP is back.
 */
export function portHeld(host: string, port: number, procRoot = '/proc/net'): boolean {
  const v6 = isIP(canonicalAddress(host)) === 6;
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${v6 ? 'tcp6' : 'tcp'}`, 'utf8');
  } catch {
    return false;
  }
  const want = canonicalAddress(host);
  const wildcard = v6 ? '::' : '0.0.0.0';
  return listeningSockets(text, v6).some(
    (s) => s.port === port && (s.address === want || s.address === wildcard),
  );
}
