import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canonicalAddress, listenModeOf, servedInstances } from '../../../src/proxy/vip/listen-decision.js';
import { listeningSockets } from '../../../src/proxy/vip/port-holders.js';
import { isNginxProcessCheck } from '../../../src/proxy/vip/nginx-check.js';
import { bindErrorText } from '../../../src/proxy/vip/bind-error.js';
import { fdHeadroomProblem, fdMargin } from '../../../src/proxy/vip/fd-headroom.js';

const owners = new Map([
  ['198.51.100.100', ['VI_1']],
  ['198.51.100.101', ['VI_1', 'VI_2']],
  ['2001:db8::100', ['VI_6']],
]);
const off = { ipv4: false, ipv6: false };

describe('listenModeOf: which listeners follow VRRP', () => {
  it('a VIP follows its instance while ip_nonlocal_bind is off for its family', () => {
    assert.deepEqual(listenModeOf('198.51.100.100', owners, off), { kind: 'follow', instances: ['VI_1'] });
    assert.deepEqual(listenModeOf('198.51.100.101', owners, off), {
      kind: 'follow',
      instances: ['VI_1', 'VI_2'],
    });
    // nginx.conf spells IPv6 its own way; keepalived.conf another: both are the same address.
    assert.deepEqual(listenModeOf('2001:DB8:0::100', owners, off), { kind: 'follow', instances: ['VI_6'] });
  });

  it('binds now with ip_nonlocal_bind on (per family), on a wildcard, or on an address that is no VIP', () => {
    assert.deepEqual(listenModeOf('198.51.100.100', owners, { ipv4: true, ipv6: false }), { kind: 'now' });
    assert.deepEqual(listenModeOf('2001:db8::100', owners, { ipv4: true, ipv6: false }), {
      kind: 'follow',
      instances: ['VI_6'],
    });
    assert.deepEqual(listenModeOf('2001:db8::100', owners, { ipv4: false, ipv6: true }), { kind: 'now' });
    assert.deepEqual(listenModeOf('0.0.0.0', owners, off), { kind: 'now' });
    assert.deepEqual(listenModeOf('::', owners, off), { kind: 'now' });
    assert.deepEqual(listenModeOf('198.51.100.1', owners, off), { kind: 'now' });
    assert.deepEqual(listenModeOf('127.0.0.1', new Map(), off), { kind: 'now' });
  });

  it('a listener serves the owners of its address; a wildcard serves every VIP of its family', () => {
    assert.deepEqual(servedInstances('198.51.100.101', owners), ['VI_1', 'VI_2']);
    assert.deepEqual(servedInstances('0.0.0.0', owners), ['VI_1', 'VI_2']);
    assert.deepEqual(servedInstances('::', owners), ['VI_6']);
    assert.deepEqual(servedInstances('198.51.100.1', owners), []);
  });

  it('canonicalises IPv6 as inet_ntop does and leaves IPv4 and names alone', () => {
    assert.equal(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(canonicalAddress('[2001:db8::1]'), '2001:db8::1');
    assert.equal(canonicalAddress('198.51.100.1'), '198.51.100.1');
    assert.equal(canonicalAddress('lb.example'), 'lb.example');
  });
});

describe('listeningSockets: /proc/net/tcp', () => {
  it('reads LISTEN rows of both families and skips connections', () => {
    const v4 = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   1: 646433C6:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1',
      '   2: 0100007F:CEDA 0100007F:1F91 06 00000000:00000000 03:00000E33 00000000     0        0 0 3',
    ].join('\n');
    assert.deepEqual(listeningSockets(v4, false), [
      { address: '0.0.0.0', port: 8080 },
      { address: '198.51.100.100', port: 80 },
    ]);
    const v6 = [
      '  sl  local_address                         remote_address                        st',
      '   0: B80D0120000000000000000000010000:1F90 00000000000000000000000000000000:0000 0A',
    ].join('\n');
    assert.deepEqual(listeningSockets(v6, true), [{ address: '2001:db8::100', port: 8080 }]);
  });
});

describe('isNginxProcessCheck: the vrrp_scripts Tandem answers itself', () => {
  it('recognises the classic nginx process checks', () => {
    for (const argv of [
      ['pidof', 'nginx'],
      ['/usr/bin/pidof', 'nginx'],
      ['/bin/pidof', '-s', 'nginx'],
      ['killall', '-0', 'nginx'],
      ['/usr/bin/killall', '-0', 'nginx'],
      ['pgrep', '-x', 'nginx'],
      ['pkill', '-0', 'nginx'],
      ['systemctl', 'is-active', '--quiet', 'nginx'],
      ['systemctl', 'is-active', 'nginx.service'],
      ['service', 'nginx', 'status'],
      ['/bin/sh', '-c', 'pidof nginx'],
      ['bash', '-c', 'killall -0 nginx'],
    ])
      assert.equal(isNginxProcessCheck(argv), true, argv.join(' '));
  });

  it('leaves every other script to run as written', () => {
    for (const argv of [
      ['pidof', 'haproxy'],
      ['pidof', 'nginx', 'haproxy'],
      ['killall', 'nginx'],
      ['curl', '-sf', 'http://127.0.0.1/health'],
      ['/etc/keepalived/check_nginx.sh'],
      ['systemctl', 'restart', 'nginx'],
      ['/bin/sh', '-c', 'pidof nginx && curl -sf http://127.0.0.1/'],
      [],
    ])
      assert.equal(isNginxProcessCheck(argv), false, argv.join(' '));
  });
});

describe('bindErrorText', () => {
  it('speaks nginx: bind() to ADDRESS failed (errno: text)', () => {
    const err = Object.assign(new Error('x'), { code: 'EADDRINUSE' });
    assert.equal(
      bindErrorText('198.51.100.1', 80, err),
      'bind() to 198.51.100.1:80 failed (98: Address already in use)',
    );
    const v6 = Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' });
    assert.equal(
      bindErrorText('2001:db8::1', 443, v6),
      'bind() to [2001:db8::1]:443 failed (99: Cannot assign requested address)',
    );
  });
});

describe('fdHeadroomProblem: descriptors left for accept()', () => {
  it('reports when fewer than max(8, 1% of the limit) are left, from /proc limits and fd entries', () => {
    const proc = mkdtempSync(join(tmpdir(), 'tandem-vb-proc-'));
    try {
      mkdirSync(join(proc, 'fd'));
      const limits = (n: string) =>
        writeFileSync(
          join(proc, 'limits'),
          `Limit  Soft Limit  Hard Limit  Units\nMax open files  ${n}  ${n}  files\n`,
        );
      for (let i = 0; i < 45; i++) writeFileSync(join(proc, 'fd', String(i)), '');
      limits('53');
      assert.equal(fdHeadroomProblem(proc), undefined, '8 left');
      writeFileSync(join(proc, 'fd', '45'), '');
      assert.equal(
        fdHeadroomProblem(proc),
        'file descriptors nearly exhausted (46 of 53 in use): accept() fails (24: Too many open files)',
      );
      limits('unlimited');
      assert.equal(fdHeadroomProblem(proc), undefined);
      assert.equal(fdMargin(1_048_576), 10_485);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
