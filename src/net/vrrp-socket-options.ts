import type { RawSocket } from 'raw-socket';
import { deviceName, intBuffer, IP, IPV6, ipMreqn, ipv6Mreq, SO, SOL } from './sockopt.js';
import { VRRP_TOS } from './ip-header.js';

/**
 * Sets up an IPv4 VRRP socket as keepalived's `open_vrrp_send_socket` / `open_vrrp_read_socket` do:
 * bound to the device, header included (so TTL 255, TOS 0xC0, no DF and the source are ours),
 * IP_MULTICAST_ALL off (else every group joined by anyone on the host is delivered), loop off,
 * IP_MULTICAST_IF by interface index, and the group joined on this interface only.
 */
export function configureIpv4(
  s: RawSocket,
  device: string,
  ifindex: number,
  source: string,
  group: string | undefined,
): void {
  const dev = deviceName(device);
  s.setOption(SOL.SOCKET, SO.BINDTODEVICE, dev, dev.length);
  s.setOption(SOL.IP, IP.HDRINCL, 1);
  s.setOption(SOL.IP, IP.MULTICAST_ALL, 0);
  s.setOption(SOL.IP, IP.MULTICAST_LOOP, 0);
  // With IP_HDRINCL the header we build carries TTL and TOS; these two also cover a caller that
  // turns header inclusion off, and document the intent (RFC 5798 §5.1.1.3).
  s.setOption(SOL.IP, IP.MULTICAST_TTL, 255);
  s.setOption(SOL.IP, IP.TOS, VRRP_TOS);
  const mifn = ipMreqn(undefined, source, ifindex);
  s.setOption(SOL.IP, IP.MULTICAST_IF, mifn, mifn.length);
  if (group !== undefined) {
    const mreq = ipMreqn(group, undefined, ifindex);
    s.setOption(SOL.IP, IP.ADD_MEMBERSHIP, mreq, mreq.length);
  }
}

/**
 * Sets up an IPv6 VRRP socket: bound to the device, IPV6_HDRINCL (Linux >= 4.5) so hop limit 255,
 * traffic class 0xC0 and the source (link-local or `mcast_src_ip`) are ours, IPV6_CHECKSUM at
 * offset 6 so the kernel verifies received checksums (keepalived does the same), multicast on
 * this interface, loop and MULTICAST_ALL off, and ff02::12 joined on this interface.
 */
export function configureIpv6(
  s: RawSocket,
  device: string,
  ifindex: number,
  group: string | undefined,
): void {
  const dev = deviceName(device);
  s.setOption(SOL.SOCKET, SO.BINDTODEVICE, dev, dev.length);
  s.setOption(SOL.IPV6, IPV6.CHECKSUM, 6);
  s.setOption(SOL.IPV6, IPV6.HDRINCL, 1);
  s.setOption(SOL.IPV6, IPV6.MULTICAST_ALL, 0);
  s.setOption(SOL.IPV6, IPV6.MULTICAST_LOOP, 0);
  s.setOption(SOL.IPV6, IPV6.MULTICAST_HOPS, 255);
  s.setOption(SOL.IPV6, IPV6.UNICAST_HOPS, 255);
  s.setOption(SOL.IPV6, IPV6.TCLASS, VRRP_TOS);
  const idx = intBuffer(ifindex);
  s.setOption(SOL.IPV6, IPV6.MULTICAST_IF, idx, idx.length);
  if (group !== undefined) {
    const mreq = ipv6Mreq(group, ifindex);
    s.setOption(SOL.IPV6, IPV6.ADD_MEMBERSHIP, mreq, mreq.length);
  }
}
