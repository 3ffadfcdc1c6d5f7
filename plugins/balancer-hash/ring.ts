/**
 * The consistent-hash ring of `hash KEY consistent` (nginx `ngx_http_upstream_init_chash`, compatible
 * with Cache::Memcached::Fast): 160 points per unit of weight for every primary server line, each
 * point `crc32(HOST "\0" PORT PREV_HASH)`, sorted, duplicates dropped.
 */
import {
  CRC32_INIT,
  crc32Byte,
  crc32Final,
  crc32String,
  crc32Uint32LE,
  type ServerParams,
} from '../../src/index.js';

/** A built ring: point hashes ascending and the server text owning each. */
export interface Ring {
  readonly hashes: Uint32Array;
  readonly servers: readonly string[];
}

/** Splits server text as nginx does: `unix:` prefix, else a trailing `:digits` port, else all host. */
export function splitServer(server: string): { host: string; port: string } {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:')
    return { host: server.slice(5), port: '' };
  for (let j = server.length - 1; j >= 0; j--) {
    const c = server.charCodeAt(j);
    if (c === 0x3a) return { host: server.slice(0, j), port: server.slice(j + 1) };
    if (c < 0x30 || c > 0x39) break;
  }
  return { host: server, port: '' };
}

/** Builds the ring over the primary servers in config order (`down` ones included, as nginx). */
export function buildRing(servers: readonly ServerParams[]): Ring {
  const hashes: number[] = [];
  const owners: string[] = [];
  for (const s of servers) {
    if (s.backup) continue;
    const { host, port } = splitServer(s.name);
    const base = crc32String(crc32Byte(crc32String(CRC32_INIT, host), 0), port);
    let prev = 0;
    for (let j = 0; j < s.weight * 160; j++) {
      const h = crc32Final(crc32Uint32LE(base, prev));
      hashes.push(h);
      owners.push(s.name);
      prev = h;
    }
  }
  const order = hashes.map((_, i) => i).sort((a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0));
  const outH: number[] = [];
  const outS: string[] = [];
  for (const i of order) {
    const h = hashes[i] ?? 0;
    if (outH.length > 0 && outH[outH.length - 1] === h) continue;
    outH.push(h);
    outS.push(owners[i] ?? '');
  }
  return { hashes: Uint32Array.from(outH), servers: outS };
}

/** Index of the first point whose hash is >= `h` (may be the length: callers take it modulo). */
export function findPoint(ring: Ring, h: number): number {
  let i = 0;
  let j = ring.hashes.length;
  while (i < j) {
    const k = (i + j) >>> 1;
    if (h > (ring.hashes[k] ?? 0)) i = k + 1;
    else j = k;
  }
  return i;
}
