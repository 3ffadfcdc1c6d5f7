import { existsSync } from 'node:fs';
import { findTool } from '../../net/find-tool.js';

/** The programs the demo runs besides Node, with the Debian package that brings each. */
const tools = [
  { name: 'ip', pkg: 'iproute2', why: 'network namespaces' },
  { name: 'tcpdump', pkg: 'tcpdump', why: 'timing the VRRP adverts on the wire' },
  { name: 'arping', pkg: 'iputils-arping', why: "Tandem's gratuitous ARP after a takeover" },
  { name: 'sysctl', pkg: 'procps', why: 'net.ipv4.ip_nonlocal_bind in the node namespaces' },
] as const;

/** What the check looks at, injectable so a test can play a host without root or without a tool. */
export interface HostProbe {
  readonly uid: number | undefined;
  readonly find: (tool: string) => string | undefined;
  readonly exists: (path: string) => boolean;
}

const realHost: HostProbe = { uid: process.getuid?.(), find: findTool, exists: existsSync };

/**
 * Why `npm run demo` cannot run here, as one line a user can act on, or undefined when it can:
 * root first (namespaces and raw VRRP sockets need it), then the programs, then the built daemon.
 */
export function demoPrerequisiteProblem(cliPath: string, host: HostProbe = realHost): string | undefined {
  if (host.uid !== 0)
    return 'npm run demo needs root: it creates network namespaces and sends VRRP on raw sockets (try: sudo npm run demo)';
  const missing = tools.filter((t) => host.find(t.name) === undefined);
  if (missing.length > 0)
    return (
      `npm run demo needs ${missing.map((t) => `${t.name} (${t.why})`).join(', ')}: ` +
      `apt-get install ${missing.map((t) => t.pkg).join(' ')}`
    );
  if (!host.exists(cliPath)) return `npm run demo needs the built daemon ${cliPath}: run npm run build first`;
  return undefined;
}
