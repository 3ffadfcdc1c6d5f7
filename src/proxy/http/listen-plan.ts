import type { SourceLoc } from '../../config/source-loc.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { VirtualHosts } from './server-name.js';
import type { HttpServerParams } from './types.js';

/** One socket to bind and the virtual servers behind it. */
export interface ListenPlan<T> {
  readonly host: string;
  readonly port: number;
  /** `[::]` sockets are IPv6-only, as nginx's `ipv6only=on` default. */
  readonly ipv6Only: boolean;
  /** Servers on the wildcard address (or on the exact address when the port has no wildcard). */
  readonly any: VirtualHosts<T>;
  /** With a wildcard socket: servers of specific addresses, chosen by the connection's local address. */
  readonly byAddress: Map<string, VirtualHosts<T>>;
  /** The first `listen` directive behind this socket (for a located bind error). */
  readonly loc?: SourceLoc;
}

const v4Wildcards = new Set(['0.0.0.0', '*', '']);

function family(host: string): 4 | 6 {
  return host.includes(':') ? 6 : 4;
}

function isWildcard(host: string): boolean {
  return v4Wildcards.has(host) || host === '::';
}

/**
 * Groups server blocks into sockets the way nginx does (`ngx_http_optimize_servers`): per address
 * family and port, a port with a wildcard `listen` is bound once on the wildcard, and servers that
 * listen on a specific address of that port are then chosen by the local address of the
 * connection; without a wildcard each address gets its own socket. Within each group, server_name
 * selection applies. Port 0 groups like any port, so test blocks on port 0 share one socket.
 */
export function planListeners<T extends { readonly params: HttpServerParams }>(
  servers: readonly T[],
): { plans: ListenPlan<T>[]; diagnostics: Diagnostic[] } {
  const groups = new Map<
    string,
    { s: T; host: string; port: number; isDefault: boolean; loc: SourceLoc | undefined }[]
  >();
  for (const s of servers) {
    for (const l of s.params.listen) {
      const key = `${family(l.host)}/${l.port}`;
      const list = groups.get(key) ?? [];
      list.push({ s, host: l.host, port: l.port, isDefault: l.defaultServer, loc: l.loc });
      groups.set(key, list);
    }
  }
  const plans: ListenPlan<T>[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entries of groups.values()) {
    const first = entries[0];
    if (first === undefined) continue;
    const v6 = family(first.host) === 6;
    const wildcard = entries.some((e) => isWildcard(e.host));
    const hosts = wildcard ? [v6 ? '::' : '0.0.0.0'] : [...new Set(entries.map((e) => e.host))];
    for (const host of hosts) {
      const any = new VirtualHosts<T>();
      const byAddress = new Map<string, VirtualHosts<T>>();
      for (const e of entries) {
        let target: VirtualHosts<T> | undefined;
        if (isWildcard(e.host) || (!wildcard && e.host === host)) target = any;
        else if (wildcard) {
          target = byAddress.get(e.host) ?? new VirtualHosts<T>();
          byAddress.set(e.host, target);
        }
        target?.add(e.s.params.serverNames, e.s, e.isDefault);
      }
      diagnostics.push(...any.diagnostics, ...[...byAddress.values()].flatMap((v) => v.diagnostics));
      const loc = entries.find((e) => e.host === host || isWildcard(e.host))?.loc ?? first.loc;
      plans.push({
        host,
        port: first.port,
        ipv6Only: v6,
        any,
        byAddress,
        ...(loc === undefined ? {} : { loc }),
      });
    }
  }
  return { plans, diagnostics };
}
