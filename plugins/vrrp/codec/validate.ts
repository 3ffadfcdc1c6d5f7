/**
 * Receive-side validation in keepalived 2.2.7's order (`vrrp_check_packet`, vrrp.md §1.7, keepalived.md §3),
 * with its counters and its log lines. A failure leaves timers alone, so mismatched configs end in two
 * masters exactly as with keepalived.
 */
import { isMulticast, type VrrpFamily } from './address.js';
import { expectedMessageLength, VRRP_TYPE_ADVERT, type VrrpAdvert } from './advert.js';
import { onesSum, pseudoHeaderSum, foldChecksum, type ChecksumForm } from './checksum.js';
import { IPPROTO_AH, packetProtocol, type ReceivedVrrpPacket } from './packet.js';
import type { VrrpCounter } from '../stats.js';

/** What validation needs to know about the receiving instance. */
export interface AdvertCheckTarget {
  readonly name: string;
  readonly family: VrrpFamily;
  readonly version: 2 | 3;
  readonly vrid: number;
  /** v2: 0 none or 1 PASS (keepalived ignores auth for v3). */
  readonly authType: 0 | 1;
  /** v2 PASS: the 8 password bytes compared in full. */
  readonly authData: Uint8Array;
  /** v2: the configured interval in whole seconds. */
  readonly advertIntSec: number;
  /** The configured (advertised) VIPs. */
  readonly vips: readonly string[];
  readonly unicast: boolean;
  readonly unicastPeers: readonly {
    readonly address: string;
    readonly minTtl: number;
    readonly maxTtl: number;
  }[];
  readonly checkUnicastSrc: boolean;
  /** The multicast group, for the pre-1.3.6 unicast v3 checksum form keepalived still accepts. */
  readonly mcastGroup: string;
}

/** Why an advert was refused; one code per keepalived check. */
export type AdvertRejectReason =
  | 'ah-mismatch'
  | 'length'
  | 'ttl'
  | 'version'
  | 'invalid-auth-type'
  | 'auth-type-mismatch'
  | 'auth-failure'
  | 'interval-mismatch'
  | 'invalid-type'
  | 'addr-count'
  | 'ip-total-length'
  | 'checksum'
  | 'dest-mode'
  | 'vip-missing'
  | 'unicast-src'
  | 'ttl-range';

/** The outcome of validation. */
export type AdvertCheck =
  | {
      readonly ok: true;
      /** Counters to add (advertRcvd, priZeroRcvd). */
      readonly counters: readonly VrrpCounter[];
      /** v3/IPv4: the checksum form that matched (`pseudo-header-mcast` = keepalived's old unicast form). */
      readonly checksumForm: ChecksumForm | 'pseudo-header-mcast' | undefined;
    }
  | {
      readonly ok: false;
      readonly reason: AdvertRejectReason;
      readonly counters: readonly VrrpCounter[];
      /** keepalived's log line, `(VI_1) ` prefix included. */
      readonly log: string;
    };

const reject = (
  reason: AdvertRejectReason,
  log: string,
  counters: readonly VrrpCounter[] = [],
): AdvertCheck => ({
  ok: false,
  reason,
  counters,
  log,
});

function checksumMatches(
  t: AdvertCheckTarget,
  p: ReceivedVrrpPacket,
  adv: VrrpAdvert,
): { ok: boolean; form: ChecksumForm | 'pseudo-header-mcast' | undefined } {
  const msg = p.payload;
  const body = onesSum(msg, 0, msg.length);
  if (adv.version === 2 && t.family === 'ipv4') return { ok: foldChecksum(body) === 0, form: undefined };
  const withPh = (dst: string): boolean => {
    const ph = pseudoHeaderSum(t.family, p.src, dst, msg.length);
    return ph !== undefined && foldChecksum(ph + body) === 0;
  };
  if (withPh(p.dst)) return { ok: true, form: 'pseudo-header' };
  if (t.family === 'ipv6') return { ok: false, form: undefined };
  // keepalived 2.2.7 auto-detects the pre-1.3.6 unicast form (224.0.0.18 in the pseudo-header).
  if (t.unicast && p.dst !== t.mcastGroup && withPh(t.mcastGroup))
    return { ok: true, form: 'pseudo-header-mcast' };
  // RFC 9568 §5.2.8 form (Cisco, Juniper, keepalived >= 2.2.8 `v3_checksum_as_v2`): accepted too.
  if (foldChecksum(body) === 0) return { ok: true, form: 'message-only' };
  return { ok: false, form: undefined };
}

/**
 * Validates a decoded advert for an instance, in keepalived's order. `checkVipAddr` is false only for a
 * backup with `skip_check_adv_addr` hearing the same master again.
 */
export function checkAdvert(
  t: AdvertCheckTarget,
  p: ReceivedVrrpPacket,
  adv: VrrpAdvert,
  checkVipAddr: boolean,
): AdvertCheck {
  const n = `(${t.name})`;
  const ihl = t.family === 'ipv4' ? (p.ipHeader?.length ?? 20) : 0;
  if (t.family === 'ipv4' && packetProtocol(p) === IPPROTO_AH)
    return reject('ah-mismatch', `${n} Received AH header but auth type not AH`, ['authtypeMismatch']);
  const expected = ihl + expectedMessageLength(t.family, adv.version, adv.addrCount);
  const buflen = ihl + p.payload.length;
  if (buflen !== expected)
    return reject(
      'length',
      `${n} vrrp packet too ${buflen > expected ? 'long' : 'short'}, length ${buflen} and expect ${expected}`,
      ['packetLenErr'],
    );
  const ttl = p.ttl ?? -1;
  if (!t.unicast && ttl !== -1 && ttl !== 255)
    return reject('ttl', `${n} invalid TTL/HL. Received ${ttl} and expect 255`, ['ipTtlErr']);
  if (adv.version !== t.version)
    return reject('version', `${n} wrong version. Received ${adv.version} and expect ${t.version}`, [
      'versErr',
    ]);
  if (t.version === 2) {
    if (adv.authType !== 0 && adv.authType !== 1 && adv.authType !== 2)
      return reject('invalid-auth-type', `${n} Invalid auth type: ${adv.authType}`, ['invalidAuthtype']);
    if (adv.authType !== t.authType)
      return reject('auth-type-mismatch', `${n} received a ${adv.authType} auth, expecting ${t.authType}!`, [
        'authtypeMismatch',
      ]);
    if (t.authType === 1) {
      const pw = p.payload.subarray(p.payload.length - 8);
      // Constant-time compare, as keepalived's memcmp_constant_time.
      let diff = 0;
      for (let i = 0; i < 8; i++) diff |= (pw[i] ?? 0) ^ (t.authData[i] ?? 0);
      if (diff !== 0) return reject('auth-failure', `${n} received an invalid passwd!`, ['authFailure']);
    }
    if (t.advertIntSec !== adv.advertInt)
      return reject(
        'interval-mismatch',
        `${n} advertisement interval mismatch mine=${t.advertIntSec} sec rcv'd=${adv.advertInt} sec`,
      );
  }
  if (adv.type !== VRRP_TYPE_ADVERT)
    return reject('invalid-type', `${n} Invalid packet type. ${adv.type} and expect ${VRRP_TYPE_ADVERT}`, [
      'invalidTypeRcvd',
    ]);
  if (checkVipAddr && adv.addrCount !== t.vips.length)
    return reject(
      'addr-count',
      `${n} received an unexpected ip number count ${adv.addrCount}, expected ${t.vips.length}!`,
      ['addrListErr'],
    );
  if (t.family === 'ipv4' && p.ipHeader !== undefined && p.ipHeader.length >= 4) {
    const totLen = ((p.ipHeader[2] ?? 0) << 8) | (p.ipHeader[3] ?? 0);
    if (totLen !== buflen)
      return reject(
        'ip-total-length',
        `${n} ip_tot_len mismatch against received length. ${totLen} and received ${buflen}`,
        ['packetLenErr'],
      );
  }
  const sum = checksumMatches(t, p, adv);
  if (!sum.ok)
    return reject(
      'checksum',
      `${n} Invalid VRRPv${adv.version === 2 && t.family === 'ipv4' ? 2 : 3} checksum`,
      ['chkErr'],
    );
  if (isMulticast(t.family, p.dst) === t.unicast)
    return reject(
      'dest-mode',
      `${n} Expected ${t.unicast ? 'un' : 'mult'}icast packet but received ${t.unicast ? 'mult' : 'un'}icast packet`,
      ['addrListErr'],
    );
  if (checkVipAddr) {
    for (const vip of t.vips) {
      if (!adv.addresses.includes(vip))
        return reject(
          'vip-missing',
          `${n} ip address associated with VRID ${t.vrid} not present in MASTER advert: ${vip}`,
          ['advertRcvd', 'addrListErr'],
        );
    }
    if (t.unicast && t.checkUnicastSrc) {
      const peer = t.unicastPeers.find((u) => u.address === p.src);
      if (peer === undefined)
        return reject('unicast-src', `${n} unicast source address ${p.src} not a unicast peer`, [
          'advertRcvd',
        ]);
      if (ttl !== -1 && (ttl < peer.minTtl || ttl > peer.maxTtl))
        return reject('ttl-range', `${n} TTL/HL ${ttl} not in range ${peer.minTtl} - ${peer.maxTtl}`, [
          'advertRcvd',
          'ipTtlErr',
        ]);
    }
  }
  return {
    ok: true,
    counters: adv.priority === 0 ? ['advertRcvd', 'priZeroRcvd'] : ['advertRcvd'],
    checksumForm: sum.form,
  };
}
