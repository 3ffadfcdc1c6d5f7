import { isIPv4, isIPv6 } from 'node:net';

/**
 * Throws unless `cidr` lies in the documentation ranges that tests and `npm run demo` may use
 * (design.md §5): 198.51.100.0/24, 203.0.113.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849);
 * link-local fe80::/10 is allowed too, since every IPv6 interface has one.
 */
export function assertDocumentationAddress(cidr: string): void {
  const [addr = ''] = cidr.split('/');
  if (isIPv4(addr)) {
    if (addr.startsWith('198.51.100.') || addr.startsWith('203.0.113.')) return;
  } else if (isIPv6(addr)) {
    const a = addr.toLowerCase();
    if (a.startsWith('2001:db8:') || a.startsWith('2001:0db8:') || a.startsWith('fe80:')) return;
  }
  throw new Error(
    `${cidr} is outside the test address ranges (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)`,
  );
}
