import raw, { type RawSocket } from 'raw-socket';
import { TandemError, messageOf } from '../core/errors.js';
import { ipv4Bytes, ipv6Bytes } from './address-bytes.js';
import { buildIpv4Packet, buildIpv6Packet, IPPROTO_VRRP, viewIpv4 } from './ip-header.js';
import { IpCommand } from './ip-command.js';
import { linkLocalIpv6, primaryIpv4, readInterface } from './interfaces.js';
import { configureIpv4, configureIpv6 } from './vrrp-socket-options.js';

/** An IP family as the VRRP model names it. */
export type IpFamily = 'ipv4' | 'ipv6';

/** The VRRP multicast groups (RFC 5798 §5.1.1.2, §5.1.2.2). */
export const VRRP_GROUP: Readonly<Record<IpFamily, string>> = { ipv4: '224.0.0.18', ipv6: 'ff02::12' };

/** How to open a {@link VrrpSocket}; field names follow keepalived's keywords. */
export interface VrrpSocketOptions {
  readonly family: IpFamily;
  /** The instance's `interface`; the socket is bound to it (SO_BINDTODEVICE). */
  readonly interface: string;
  /** `mcast_src_ip` / `unicast_src_ip`; default: the interface's primary IPv4 or its IPv6 link-local address. */
  readonly source?: string;
  /** `unicast_peer` addresses; when non-empty no group is joined and adverts go to each peer. */
  readonly unicastPeers?: readonly string[];
  /** The multicast group (keepalived `vrrp_mcast_group4/6`); 224.0.0.18 / ff02::12 by default. */
  readonly group?: string;
  /** TTL / hop limit on sent packets (`unicast_ttl`); 255 by default, as RFC 5798 §5.1.1.3 requires. */
  readonly ttl?: number;
  /**
   * False for a send-only socket. Every raw socket for protocol 112 on an interface gets its own copy
   * of each advert, so a daemon with several instances on one interface should receive on one socket
   * per (interface, family) and dispatch by VRID, as keepalived does.
   */
  readonly receive?: boolean;
  /** Where to read the interface (tests pass a namespace); the socket itself lives in the process's namespace. */
  readonly ip?: IpCommand;
}

/**
 * One received VRRP datagram: the IP payload plus what the IP layer says about it. Field names match
 * the VRRP codec's `ReceivedVrrpPacket`, so the runner can hand it over as is. `payload` and
 * `ipHeader` are views into the socket's receive buffer, valid only during the callback.
 */
export interface ReceivedDatagram {
  readonly family: IpFamily;
  readonly interface: string;
  readonly src: string;
  /**
   * IPv4: the header's destination. IPv6: not observable through raw-socket (no IPV6_PKTINFO
   * ancillary data), so the group in multicast mode and the local source in unicast mode.
   */
  readonly dst: string;
  /** IPv4 TTL from the header; undefined for IPv6 (the hop limit needs IPV6_RECVHOPLIMIT ancillary data). */
  readonly ttl: number | undefined;
  readonly payload: Uint8Array;
  /** IPv4 only: the header as received. */
  readonly ipHeader: Uint8Array | undefined;
}

/** Called for each received datagram. */
export type DatagramListener = (datagram: ReceivedDatagram) => void;

/** Packet counters of one socket, for the stats dump and the dashboard. */
export interface VrrpSocketCounters {
  sent: number;
  sendErrors: number;
  received: number;
  /** Datagrams dropped before the codec: not IPv4, wrong protocol, or truncated. */
  malformed: number;
}

/**
 * A raw IP socket for VRRP (protocol 112) on one interface, built on `raw-socket`. IPv4 and IPv6
 * both use header-included sends, so TTL/hop limit 255, TOS/traffic class 0xC0, no DF and the
 * source address (`mcast_src_ip`, `unicast_src_ip`) are exactly keepalived's (vrrp.md §1.1).
 */
export class VrrpSocket {
  readonly family: IpFamily;
  readonly interface: string;
  readonly ifindex: number;
  /** The source address put on every advert. */
  readonly source: string;
  /** Where adverts go: the group, or each unicast peer. */
  readonly destinations: readonly string[];
  readonly multicast: boolean;
  readonly counters: VrrpSocketCounters = { sent: 0, sendErrors: 0, received: 0, malformed: 0 };
  readonly #socket: RawSocket;
  readonly #ttl: number;
  readonly #src: Buffer;
  readonly #dst = new Map<string, Buffer>();
  #closed = false;

  private constructor(socket: RawSocket, o: VrrpSocketOptions, ifindex: number, source: string) {
    this.#socket = socket;
    this.family = o.family;
    this.interface = o.interface;
    this.ifindex = ifindex;
    this.source = source;
    this.#ttl = o.ttl ?? 255;
    this.#src = o.family === 'ipv4' ? ipv4Bytes(source) : ipv6Bytes(source);
    const peers = o.unicastPeers ?? [];
    this.multicast = peers.length === 0;
    this.destinations = this.multicast ? [o.group ?? VRRP_GROUP[o.family]] : [...peers];
  }

  /**
   * Opens the socket: checks the interface exists (TANDEM_ERR_NO_INTERFACE), creates the raw socket
   * (EPERM becomes TANDEM_ERR_PRIVILEGE naming CAP_NET_RAW), sets the options and joins the group.
   */
  static async open(
    options: VrrpSocketOptions,
    onDatagram: DatagramListener,
    onError: (err: Error) => void = () => undefined,
  ): Promise<VrrpSocket> {
    const info = await readInterface(options.ip ?? new IpCommand(), options.interface);
    const source = options.source ?? (options.family === 'ipv4' ? primaryIpv4(info) : linkLocalIpv6(info));
    if (source === undefined) {
      const what = options.family === 'ipv4' ? 'an IPv4 address' : 'an IPv6 link-local address';
      throw new TandemError(
        'TANDEM_ERR_SOCKET',
        `interface ${options.interface} has no ${what} to send VRRP adverts from`,
      );
    }
    const peers = options.unicastPeers ?? [];
    const group = peers.length === 0 ? (options.group ?? VRRP_GROUP[options.family]) : undefined;
    const socket = createConfigured(options.family, options.interface, info.index, source, group);
    const s = new VrrpSocket(socket, options, info.index, source);
    if (options.receive === false) socket.pauseRecv();
    socket.on('message', (buf, from) => {
      s.#receive(buf, from, onDatagram);
    });
    socket.on('error', (err) => {
      onError(err);
    });
    return s;
  }

  /**
   * A send-only socket for an interface already looked up (`ifindex`, `source`): no `ip` call, no
   * group joined, receiving paused. For the advert pacer's thread, which must not wait on a child
   * process; the same header-included sends as {@link open}.
   */
  static openSender(
    options: Omit<VrrpSocketOptions, 'receive' | 'ip'> & {
      readonly ifindex: number;
      readonly source: string;
    },
  ): VrrpSocket {
    const socket = createConfigured(
      options.family,
      options.interface,
      options.ifindex,
      options.source,
      undefined,
    );
    socket.pauseRecv();
    return new VrrpSocket(socket, options, options.ifindex, options.source);
  }

  /** TTL / hop limit put on sent packets. */
  get ttl(): number {
    return this.#ttl;
  }

  /**
   * Sends one VRRP message to `dst` (the group or a peer), from {@link source} unless `src` is given.
   * Fire-and-forget like keepalived's sendmsg: failures are counted and reported to `onError`.
   */
  send(dst: string, payload: Uint8Array, src?: string, onError?: (err: Error) => void): void {
    if (this.#closed) return;
    let d = this.#dst.get(dst);
    if (d === undefined) {
      d = this.family === 'ipv4' ? ipv4Bytes(dst) : ipv6Bytes(dst);
      this.#dst.set(dst, d);
    }
    const from = src === undefined ? this.#src : this.family === 'ipv4' ? ipv4Bytes(src) : ipv6Bytes(src);
    const packet =
      this.family === 'ipv4'
        ? buildIpv4Packet(from, d, payload, this.#ttl)
        : buildIpv6Packet(from, d, payload, this.#ttl);
    this.#socket.send(packet, 0, packet.length, dst, (err) => {
      if (err === null) this.counters.sent++;
      else {
        this.counters.sendErrors++;
        onError?.(err);
      }
    });
  }

  /** Sends the same message to every destination (multicast group or each unicast peer). */
  sendAll(payload: Uint8Array): void {
    for (const d of this.destinations) this.send(d, payload);
  }

  /** Closes the socket (leaving the group); later sends are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  #receive(buf: Buffer, from: string, onDatagram: DatagramListener): void {
    this.counters.received++;
    if (this.family === 'ipv6') {
      // raw(7) IPv6 sockets never deliver the IPv6 header; recvfrom gives only the source (RFC 3542 §3).
      onDatagram({
        family: 'ipv6',
        interface: this.interface,
        src: from,
        dst: this.multicast ? (this.destinations[0] ?? VRRP_GROUP.ipv6) : this.source,
        ttl: undefined,
        payload: buf,
        ipHeader: undefined,
      });
      return;
    }
    const h = viewIpv4(buf);
    if (h?.protocol !== IPPROTO_VRRP) {
      this.counters.malformed++;
      return;
    }
    onDatagram({
      family: 'ipv4',
      interface: this.interface,
      src: h.src,
      dst: h.dst,
      ttl: h.ttl,
      payload: buf.subarray(h.headerLength),
      ipHeader: buf.subarray(0, h.headerLength),
    });
  }
}

/**
 * Creates the raw socket and sets keepalived's options (EPERM becomes TANDEM_ERR_PRIVILEGE naming
 * CAP_NET_RAW); the socket is closed again if an option fails.
 */
function createConfigured(
  family: IpFamily,
  device: string,
  ifindex: number,
  source: string,
  group: string | undefined,
): RawSocket {
  let socket: RawSocket;
  try {
    socket = raw.createSocket({
      protocol: IPPROTO_VRRP,
      addressFamily: family === 'ipv4' ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
    });
  } catch (err) {
    const msg = messageOf(err);
    if (/not permitted|permission/i.test(msg)) {
      throw new TandemError(
        'TANDEM_ERR_PRIVILEGE',
        `missing capability CAP_NET_RAW: cannot open a raw VRRP socket (${msg})`,
      );
    }
    throw new TandemError('TANDEM_ERR_SOCKET', `cannot open a raw VRRP socket: ${msg}`, { cause: err });
  }
  try {
    if (family === 'ipv4') configureIpv4(socket, device, ifindex, source, group);
    else configureIpv6(socket, device, ifindex, group);
  } catch (err) {
    socket.close();
    const msg = messageOf(err);
    const code = /not permitted/i.test(msg) ? 'TANDEM_ERR_PRIVILEGE' : 'TANDEM_ERR_SOCKET';
    const hint = code === 'TANDEM_ERR_PRIVILEGE' ? 'missing capability CAP_NET_RAW/CAP_NET_ADMIN: ' : '';
    throw new TandemError(code, `${hint}cannot set up the VRRP socket on ${device}: ${msg}`, {
      cause: err,
    });
  }
  return socket;
}
