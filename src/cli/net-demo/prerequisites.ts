import { existsSync } from 'node:fs';
import { findTool } from '../../net/find-tool.js';

/** The programs the demo runs besides Node, with the Debian package that brings each. */
const tools = [
  { name: 'ip', pkg: 'iproute2', why: 'network namespaces' },
  { name: 'tcpdump', pkg: 'tcpdump', why: 'timing the VRRP adverts on the wire' },
  { name: 'arping', pkg: 'iputils-arping', why: "Tandem's gratuitous ARP after a takeover" },
  { name: 'sysctl', pkg: 'procps', why: 'net.ipv4.ip_nonlocal_bind in the node namespaces' },
] as const;

/**
 * Why `npm run demo` cannot run here, as one line a user can act on, or undefined when it can:
 * root first (namespaces and raw VRRP sockets need it), then the programs, then the built daemon.
 */
export function demoPrerequisiteProblem(cliPath: string): string | undefined {
  if (process.getuid?.() !== 0)
    return 'npm run demo needs root: it creates network namespaces and sends VRRP on raw sockets (try: sudo npm run demo)';
  const missing = tools.filter((t) => findTool(t.name) === undefined);
  if (missing.length > 0)
    return (
      `npm run demo needs ${missing.map((t) => `${t.name} (${t.why})`).join(', ')}: ` +
      `apt-get install ${missing.map((t) => t.pkg).join(' ')}`
    );
  if (!existsSync(cliPath)) return `npm run demo needs the built daemon ${cliPath}: run npm run build first`;
  return undefined;
}
