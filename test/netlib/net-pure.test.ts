import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ipv6Bytes, isMulticast } from '../../src/net/address-bytes.js';
import { addressArgs, addressSpecFromVip, routeOrRuleArgs } from '../../src/net/address-spec.js';
import { parseBatchErrors } from '../../src/net/ip-command.js';
import { buildIpv4Packet, internetChecksum, viewIpv4 } from '../../src/net/ip-header.js';
import { linkUp, parseLinkLine } from '../../src/net/link-monitor.js';
import { ipMreqn, ipv6Mreq } from '../../src/net/sockopt.js';
import { buildNeighbourAdvert } from '../../src/net/unsolicited-na.js';
import { fifoLine } from '../../plugins/vrrp/linux/notify-fifo.js';
import { vrrpV2, vrrpV3 } from '../helpers/vrrp-advert.js';

describe('network layer, pure parts', () => {
  test('checksums match the adverts keepalived 2.2.7 sent (vrrp.md §1.2, §1.3)', () => {
    const v2 = Buffer.from('213396010101afe5c63364647365637265743100', 'hex');
    assert.equal(internetChecksum(v2), 0);
    assert.deepEqual(vrrpV2(51, 150, ['198.51.100.100'], 'secret1'), v2);
    // v3 over IPv4 from 198.51.100.1 to 224.0.0.18, checksum with the IPv4 pseudo-header (0x0363 on the wire).
    assert.equal(
      vrrpV3(52, 150, ['198.51.100.101'], '198.51.100.1', '224.0.0.18', 10).toString('hex'),
      '31349601000a0363c6336465',
    );
  });

  test('builds an IPv4 header like keepalived (TOS 0xC0, TTL 255, no DF, proto 112) and reads it back', () => {
    const p = buildIpv4Packet(
      Buffer.from([198, 51, 100, 1]),
      Buffer.from([224, 0, 0, 18]),
      Buffer.alloc(20),
      255,
    );
    assert.equal(p.subarray(0, 10).toString('hex'), '45c00028000000 00ff70'.replace(/ /g, ''));
    assert.deepEqual(viewIpv4(p), {
      headerLength: 20,
      ttl: 255,
      protocol: 112,
      src: '198.51.100.1',
      dst: '224.0.0.18',
    });
    assert.equal(viewIpv4(Buffer.from([0x60, 0])), undefined);
  });

  test('socket option structs', () => {
    const le = ipMreqn('224.0.0.18', '198.51.100.1', 3);
    assert.equal(le.subarray(0, 8).toString('hex'), 'e0000012c6336401');
    assert.equal(le.length, 12);
    assert.equal(ipv6Mreq('ff02::12', 2).subarray(0, 16).toString('hex'), 'ff020000000000000000000000000012');
    assert.equal(ipv6Bytes('::ffff:198.51.100.1').toString('hex'), '00000000000000000000ffffc6336401');
    assert.ok(isMulticast('224.0.0.18') && isMulticast('ff02::12') && !isMulticast('198.51.100.1'));
  });

  test('ip addr arguments carry every VIP attribute; IPv6 gets nodad unless -nodad', () => {
    assert.deepEqual(
      addressArgs({
        address: '198.51.100.100',
        prefixLength: 24,
        device: 'eth0',
        broadcast: '+',
        scope: 'site',
        label: 'eth0:1',
      }),
      ['198.51.100.100/24', 'broadcast', '+', 'dev', 'eth0', 'scope', 'site', 'label', 'eth0:1'],
    );
    assert.deepEqual(addressArgs({ address: '2001:db8::1', device: 'eth1' }), [
      '2001:db8::1/128',
      'dev',
      'eth1',
      'nodad',
    ]);
    assert.deepEqual(
      addressSpecFromVip(
        { address: '2001:db8::1', prefixLength: 64, options: { '-nodad': '', noprefixroute: '' } },
        'eth0',
      ),
      { address: '2001:db8::1', prefixLength: 64, device: 'eth0', noPrefixRoute: true, dad: true },
    );
    assert.deepEqual(routeOrRuleArgs(['0.0.0.0/0', 'gw', '198.51.100.254', 'no_track']), [
      '0.0.0.0/0',
      'via',
      '198.51.100.254',
    ]);
  });

  test('ip -batch errors map back to their lines', () => {
    const r = parseBatchErrors(
      ['a', 'b', 'c'],
      'Error: ipv4: Address already assigned.\nCommand failed -:2\n',
    );
    assert.deepEqual(r, [
      { line: 'a', ok: true },
      { line: 'b', ok: false, error: 'Error: ipv4: Address already assigned.' },
      { line: 'c', ok: true },
    ]);
  });

  test('ip monitor link lines: up means IFF_UP and carrier', () => {
    const up = parseLinkLine(
      '2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default',
    );
    assert.deepEqual(up, { deleted: false, state: { name: 'eth0', index: 2, adminUp: true, running: true } });
    const nc = parseLinkLine('2: eth0@if3: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state DOWN');
    assert.equal(linkUp(nc?.state), false);
    assert.equal(parseLinkLine('Deleted 7: v9: <BROADCAST,MULTICAST> mtu 1500')?.deleted, true);
    assert.equal(parseLinkLine('    link/ether ba:d0:5e:62:5c:5a brd ff:ff:ff:ff:ff:ff'), undefined);
  });

  test('unsolicited NA: Override, target, TLLA, checksum over the pseudo-header', () => {
    const na = buildNeighbourAdvert('2001:db8::66', 'ba:d0:5e:62:5c:5a', false);
    assert.equal(na[0], 136);
    assert.equal(na[4], 0x20);
    assert.equal(buildNeighbourAdvert('2001:db8::66', 'ba:d0:5e:62:5c:5a', true)[4], 0xa0);
    assert.equal(na.subarray(24, 32).toString('hex'), '0201bad05e625c5a');
    const pseudo = Buffer.concat([
      ipv6Bytes('2001:db8::66'),
      ipv6Bytes('ff02::1'),
      Buffer.from([0, 0, 0, 32, 0, 0, 0, 58]),
    ]);
    assert.equal(internetChecksum(pseudo, na), 0);
  });

  test("FIFO lines are keepalived's", () => {
    assert.equal(fifoLine('INSTANCE', 'VI_1', 'MASTER', 150), 'INSTANCE "VI_1" MASTER 150\n');
    assert.equal(fifoLine('GROUP', 'G1', 'BACKUP', 0), 'GROUP "G1" BACKUP 0\n');
  });
});
