import { readFileSync } from 'node:fs';
import raw, { type RawSocket } from 'raw-socket';
import { TandemError, messageOf } from '../core/errors.js';
import { ipv6Bytes } from './address-bytes.js';
import { buildIpv6Packet, internetChecksum } from './ip-header.js';
import { deviceName, intBuffer, IPV6, SO, SOL } from './sockopt.js';

const IPPROTO_ICMPV6 = 58;
const ICMP6_FILTER = 1;
const ALL_NODES = 'ff02::1';

/**
 * The ICMPv6 part of an unsolicited Neighbor Advertisement (RFC 4861 §4.4, §7.2.6) as keepalived
 * sends it for an IPv6 VIP: Override set, Solicited clear, Router set only if the interface
 * forwards, target = the VIP, and a Target Link-Layer Address option with the interface MAC.
 * The checksum covers the IPv6 pseudo-header for `src` -> ff02::1.
 */
export function buildNeighbourAdvert(target: string, mac: string, router: boolean, src = target): Buffer {
  const m = Buffer.alloc(32);
  m[0] = 136; // Neighbor Advertisement
  m[4] = (router ? 0x80 : 0) | 0x20; // R, S=0, O=1
  ipv6Bytes(target).copy(m, 8);
  m[24] = 2; // option: Target Link-Layer Address
  m[25] = 1; // length in units of 8 bytes
  Buffer.from(mac.split(':').map((h) => parseInt(h, 16))).copy(m, 26);
  const pseudo = Buffer.alloc(40);
  ipv6Bytes(src).copy(pseudo, 0);
  ipv6Bytes(ALL_NODES).copy(pseudo, 16);
  pseudo.writeUInt32BE(m.length, 32);
  pseudo[39] = IPPROTO_ICMPV6;
  m.writeUInt16BE(internetChecksum(pseudo, m), 2);
  return m;
}

/** Whether IPv6 forwarding is on for a device (the NA's Router flag), per this process's namespace. */
export function ipv6Forwarding(device: string): boolean {
  try {
    return readFileSync(`/proc/sys/net/ipv6/conf/${device}/forwarding`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/**
 * Sends unsolicited neighbour advertisements through an ICMPv6 raw socket from raw-socket (no helper
 * program needed): header included so the source is the VIP and the hop limit 255 (RFC 4861 §7.1.2
 * makes receivers drop anything else). The socket only sends: ICMP6_FILTER blocks every type on
 * receive and reading is paused.
 */
export class UnsolicitedNa {
  readonly device: string;
  readonly #socket: RawSocket;
  readonly #mac: string;

  private constructor(socket: RawSocket, device: string, mac: string) {
    this.#socket = socket;
    this.device = device;
    this.#mac = mac;
  }

  /** Opens the socket on `device`, whose MAC goes in the target link-layer option. */
  static open(device: string, ifindex: number, mac: string): UnsolicitedNa {
    let s: RawSocket;
    try {
      s = raw.createSocket({ protocol: IPPROTO_ICMPV6, addressFamily: raw.AddressFamily.IPv6 });
    } catch (err) {
      const msg = messageOf(err);
      const code = /not permitted/i.test(msg) ? 'TANDEM_ERR_PRIVILEGE' : 'TANDEM_ERR_SOCKET';
      const hint = code === 'TANDEM_ERR_PRIVILEGE' ? 'missing capability CAP_NET_RAW: ' : '';
      throw new TandemError(code, `${hint}cannot open an ICMPv6 socket for neighbour adverts (${msg})`);
    }
    s.pauseRecv();
    const block = Buffer.alloc(32, 0xff);
    s.setOption(IPPROTO_ICMPV6, ICMP6_FILTER, block, block.length);
    const dev = deviceName(device);
    s.setOption(SOL.SOCKET, SO.BINDTODEVICE, dev, dev.length);
    s.setOption(SOL.IPV6, IPV6.HDRINCL, 1);
    const idx = intBuffer(ifindex);
    s.setOption(SOL.IPV6, IPV6.MULTICAST_IF, idx, idx.length);
    return new UnsolicitedNa(s, device, mac);
  }

  /** Sends one advert per address, `repeat` rounds `intervalMs` apart (keepalived: 5 at once). */
  async send(addresses: readonly string[], repeat = 5, intervalMs = 0): Promise<void> {
    const router = ipv6Forwarding(this.device);
    const dst = ipv6Bytes(ALL_NODES);
    for (let round = 0; round < repeat; round++) {
      if (round > 0 && intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
      for (const a of addresses) {
        const packet = buildIpv6Packet(
          ipv6Bytes(a),
          dst,
          buildNeighbourAdvert(a, this.#mac, router),
          255,
          IPPROTO_ICMPV6,
          0,
        );
        await new Promise<void>((resolve, reject) => {
          this.#socket.send(packet, 0, packet.length, ALL_NODES, (err) => {
            if (err === null) resolve();
            else reject(new TandemError('TANDEM_ERR_SOCKET', `neighbour advert for ${a}: ${err.message}`));
          });
        });
      }
    }
  }

  /** Closes the socket. */
  close(): void {
    this.#socket.close();
  }
}
