/**
 * Golden packets: adverts captured from keepalived 2.2.7 (and the reference vectors in vrrp.md/keepalived.md)
 * decode to the expected fields, and Tandem encodes byte-identical packets for the same inputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compareAddresses, formatIPv6, parseIPv4, parseIPv6 } from '../../../plugins/vrrp/codec/address.js';
import {
  foldChecksum,
  onesSum,
  pseudoHeaderSum,
  vrrpChecksum,
} from '../../../plugins/vrrp/codec/checksum.js';
import { decodeAdvert } from '../../../plugins/vrrp/codec/decode.js';
import { encodeAdvert, type EncodeAdvertOptions } from '../../../plugins/vrrp/codec/encode.js';
import { buildIPv4Header, parseIPv4Header } from '../../../plugins/vrrp/codec/ipv4-header.js';
import { packetFromIPv4Datagram } from '../../../plugins/vrrp/codec/packet.js';
import { fixture } from '../../helpers/paths.js';

interface Captured {
  family: 'ipv4' | 'ipv6';
  src: string;
  dst: string;
  ttl: number;
  datagram?: string;
  payload?: string;
  vrid: number;
  prio: number;
}

const capture = JSON.parse(readFileSync(fixture('vrrp', 'keepalived-2.2.7-adverts.json'), 'utf8')) as {
  packets: Captured[];
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** What keepalived was configured with for each VRID in capture-keepalived.conf. */
const configured: Record<number, Omit<EncodeAdvertOptions, 'priority' | 'src' | 'dst'>> = {
  51: {
    version: 2,
    family: 'ipv4',
    vrid: 51,
    advertInt: 1,
    addresses: ['198.51.100.100'],
    authType: 1,
    password: 'secret1',
  },
  53: { version: 3, family: 'ipv4', vrid: 53, advertInt: 50, addresses: ['198.51.100.103'] },
  54: { version: 3, family: 'ipv4', vrid: 54, advertInt: 100, addresses: ['198.51.100.105'] },
  56: { version: 3, family: 'ipv6', vrid: 56, advertInt: 100, addresses: ['2001:db8::66'] },
};

describe('golden packets captured from keepalived 2.2.7', () => {
  assert.equal(capture.packets.length, 8);
  for (const p of capture.packets) {
    const cfg = configured[p.vrid]!;
    it(`VRID ${p.vrid} v${cfg.version} ${p.family} priority ${p.prio} to ${p.dst}: decodes, and re-encodes byte for byte`, () => {
      const payload =
        p.family === 'ipv4' ? packetFromIPv4Datagram('vB', bytes(p.datagram!))!.payload : bytes(p.payload!);
      const adv = decodeAdvert(payload, p.family)!;
      assert.equal(adv.version, cfg.version);
      assert.equal(adv.type, 1);
      assert.equal(adv.vrid, p.vrid);
      assert.equal(adv.priority, p.prio);
      assert.equal(adv.addrCount, cfg.addresses.length);
      assert.equal(adv.advertInt, cfg.advertInt);
      assert.deepEqual(adv.addresses, cfg.addresses);
      assert.equal(adv.authType, cfg.authType ?? 0);
      const ours = encodeAdvert({ ...cfg, priority: p.prio, src: p.src, dst: p.dst });
      assert.equal(hex(ours), hex(payload));
      if (p.family === 'ipv4') {
        const ip = parseIPv4Header(bytes(p.datagram!))!;
        assert.deepEqual([ip.tos, ip.ttl, ip.protocol], [0xc0, 255, 112]);
        const id = parseInt(p.datagram!.slice(8, 12), 16);
        const header = buildIPv4Header({ src: p.src, dst: p.dst, payloadLength: ours.length, id });
        assert.equal(hex(header) + hex(ours), p.datagram);
      }
    });
  }

  it('v3/IPv4 unicast: the pseudo-header carries the peer address, not 224.0.0.18', () => {
    const p = capture.packets.find((x) => x.vrid === 54 && x.prio === 110)!;
    const payload = packetFromIPv4Datagram('vB', bytes(p.datagram!))!.payload;
    assert.equal(vrrpChecksum(payload, 'pseudo-header', 'ipv4', p.src, '198.51.100.2'), adv16(payload));
    assert.notEqual(vrrpChecksum(payload, 'pseudo-header', 'ipv4', p.src, '224.0.0.18'), adv16(payload));
  });

  it('v3/IPv6: the checksum includes the RFC 8200 pseudo-header (what IPV6_CHECKSUM computes)', () => {
    const p = capture.packets.find((x) => x.vrid === 56 && x.prio === 200)!;
    const payload = bytes(p.payload!);
    assert.equal(
      foldChecksum(
        pseudoHeaderSum('ipv6', 'fe80::a', 'ff02::12', payload.length)! + onesSum(payload, 0, payload.length),
      ),
      0,
    );
  });
});

function adv16(b: Uint8Array): number {
  return ((b[6] ?? 0) << 8) | (b[7] ?? 0);
}

describe('reference vectors from keepalived.md §3 and vrrp.md §1', () => {
  it('v2, no auth, VRID 51 prio 150, VIP 10.99.0.100: checksum 0x3e03 over the message and zero auth data', () => {
    const m = encodeAdvert({
      version: 2,
      family: 'ipv4',
      vrid: 51,
      priority: 150,
      advertInt: 1,
      addresses: ['10.99.0.100'],
      src: '10.99.0.1',
      dst: '224.0.0.18',
    });
    assert.equal(hex(m), '2133960100013e030a630064' + '00'.repeat(8));
  });
  it('v2 PASS "secret1": password zero-padded into the 8 auth bytes, checksum 0xafe5', () => {
    const m = encodeAdvert({
      version: 2,
      family: 'ipv4',
      vrid: 51,
      priority: 150,
      advertInt: 1,
      addresses: ['198.51.100.100'],
      authType: 1,
      password: 'secret1',
      src: '198.51.100.1',
      dst: '224.0.0.18',
    });
    assert.equal(hex(m), '213396010101afe5c63364647365637265743100');
  });
  it('v2 PASS longer than 8 bytes is truncated like keepalived', () => {
    const a = encodeAdvert({
      version: 2,
      family: 'ipv4',
      vrid: 1,
      priority: 1,
      advertInt: 1,
      addresses: [],
      authType: 1,
      password: 'secret12XYZ',
      src: '',
      dst: '',
    });
    const b = encodeAdvert({
      version: 2,
      family: 'ipv4',
      vrid: 1,
      priority: 1,
      advertInt: 1,
      addresses: [],
      authType: 1,
      password: 'secret12',
      src: '',
      dst: '',
    });
    assert.equal(hex(a), hex(b));
  });
  it('v3/IPv4 10 cs: 0x0363 with the pseudo-header (sent), 0x0e27 message-only (RFC 9568, accepted)', () => {
    const base = {
      version: 3,
      family: 'ipv4',
      vrid: 52,
      priority: 150,
      advertInt: 10,
      addresses: ['198.51.100.101'],
      src: '198.51.100.1',
      dst: '224.0.0.18',
    } as const;
    assert.equal(hex(encodeAdvert(base)), '31349601000a0363c6336465');
    assert.equal(hex(encodeAdvert({ ...base, checksumForm: 'message-only' })), '31349601000a0e27c6336465');
  });
  it('v3/IPv4 50 cs from 10.99.0.1: 0x42df with the pseudo-header, 0x2dd2 without', () => {
    const base = {
      version: 3,
      family: 'ipv4',
      vrid: 51,
      priority: 150,
      advertInt: 50,
      addresses: ['10.99.0.100'],
      src: '10.99.0.1',
      dst: '224.0.0.18',
    } as const;
    assert.equal(hex(encodeAdvert(base)), '31339601003242df0a630064');
    assert.equal(hex(encodeAdvert({ ...base, checksumForm: 'message-only' })), '3133960100322dd20a630064');
  });
});

describe('decoder robustness and addresses', () => {
  it('refuses fewer than 8 bytes and decodes what a short message holds without throwing', () => {
    for (let n = 0; n < 8; n++) assert.equal(decodeAdvert(new Uint8Array(n), 'ipv4'), undefined);
    const adv = decodeAdvert(bytes('2133960500013e03'), 'ipv4')!;
    assert.equal(adv.addrCount, 5);
    assert.deepEqual(adv.addresses, []);
    assert.equal(adv.authData, undefined);
  });
  it('parses and formats addresses as inet_pton/inet_ntop do', () => {
    assert.deepEqual([...parseIPv4('198.51.100.7')!], [198, 51, 100, 7]);
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1.2.3.4.5', ''])
      assert.equal(parseIPv4(bad), undefined);
    assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:0:0:0:66')!), '2001:db8::66');
    assert.equal(formatIPv6(parseIPv6('fe80::a%eth0')!), 'fe80::a');
    assert.equal(formatIPv6(parseIPv6('::ffff:198.51.100.1')!), '::ffff:c633:6401');
    assert.equal(formatIPv6(parseIPv6('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1'])
      assert.equal(parseIPv6(bad), undefined);
  });
  it('compares addresses numerically (the master tie-break), not as text', () => {
    assert.ok(compareAddresses('ipv4', '198.51.100.10', '198.51.100.9') > 0);
    assert.ok(compareAddresses('ipv6', 'fe80::2', 'fe80::10') < 0);
    assert.equal(compareAddresses('ipv4', '198.51.100.1', '198.51.100.1'), 0);
  });
});
