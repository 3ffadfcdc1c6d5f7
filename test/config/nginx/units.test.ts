import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseNginxInt,
  parseNginxOffset,
  parseNginxSize,
  parseNginxTime,
} from '../../../src/config/adapt/nginx/units.js';
import { parseNginxUrl } from '../../../src/config/adapt/nginx/url.js';

// Values as src/core/ngx_parse.c computes them (ngx_parse_time, ngx_parse_size, ngx_parse_offset).
describe('nginx time, size and number syntax', () => {
  it('reads milliseconds with every unit in decreasing order', () => {
    assert.equal(parseNginxTime('60', false), 60_000);
    assert.equal(parseNginxTime('500ms', false), 500);
    assert.equal(parseNginxTime('1h30m', false), 5_400_000);
    assert.equal(parseNginxTime('1d 2h', false), 93_600_000);
    assert.equal(parseNginxTime('2w', false), 1_209_600_000);
    assert.equal(parseNginxTime('1m500ms', false), 60_500);
    assert.equal(parseNginxTime('0', false), 0);
  });

  it('refuses what nginx refuses for a msec value', () => {
    for (const bad of ['', 'ms', '5x', '5s1m', '1y', '1M', '1s1s', '-1', '1.5s', '99999999999999999999']) {
      assert.equal(parseNginxTime(bad, false), undefined, bad);
    }
  });

  it('reads seconds (fail_timeout) with y and M, and refuses ms', () => {
    assert.equal(parseNginxTime('10', true), 10);
    assert.equal(parseNginxTime('1m30s', true), 90);
    assert.equal(parseNginxTime('1y', true), 31_536_000);
    assert.equal(parseNginxTime('1M', true), 2_592_000);
    assert.equal(parseNginxTime('500ms', true), undefined);
  });

  it('reads sizes with k and m, offsets with g too', () => {
    assert.equal(parseNginxSize('4k'), 4096);
    assert.equal(parseNginxSize('1M'), 1_048_576);
    assert.equal(parseNginxSize('123'), 123);
    assert.equal(parseNginxSize('1g'), undefined);
    assert.equal(parseNginxSize('k'), undefined);
    assert.equal(parseNginxOffset('2G'), 2_147_483_648);
  });

  it('reads ngx_atoi numbers: digits only', () => {
    assert.equal(parseNginxInt('0'), 0);
    assert.equal(parseNginxInt('42'), 42);
    assert.equal(parseNginxInt('-1'), undefined);
    assert.equal(parseNginxInt('+1'), undefined);
    assert.equal(parseNginxInt(''), undefined);
  });
});

describe('nginx addresses (ngx_parse_url)', () => {
  const upstream = { defaultPort: 80, uriPart: false, listen: false };
  const proxy = { defaultPort: 80, uriPart: true, listen: false };
  const listen = { defaultPort: 80, uriPart: false, listen: true };

  it('reads host:port, a bare host with the default port, IPv6 and unix sockets', () => {
    assert.deepEqual(parseNginxUrl('127.0.0.1:8081', upstream), {
      host: '127.0.0.1',
      port: 8081,
      noPort: false,
      ipv6: false,
      literal: true,
    });
    assert.equal(parseNginxUrl('backend', upstream).port, 80);
    assert.equal(parseNginxUrl('backend', upstream).noPort, true);
    assert.equal(parseNginxUrl('[::1]:9000', upstream).host, '::1');
    assert.equal(parseNginxUrl('unix:/run/a.sock', upstream).unixPath, '/run/a.sock');
  });

  it("gives nginx's errors", () => {
    assert.equal(parseNginxUrl('127.0.0.1:99999', upstream).err, 'invalid port');
    assert.equal(parseNginxUrl('127.0.0.1:', upstream).err, 'invalid port');
    assert.equal(parseNginxUrl(':80', upstream).err, 'no host');
    assert.equal(parseNginxUrl('a/b', upstream).err, 'invalid host');
    assert.equal(parseNginxUrl('[::1', upstream).err, 'invalid host');
    assert.equal(parseNginxUrl('[zz]:80', upstream).err, 'invalid IPv6 address');
  });

  it('splits the URI part of proxy_pass at the first / or ?', () => {
    assert.equal(parseNginxUrl('u/x/', proxy).uri, '/x/');
    assert.equal(parseNginxUrl('u?a=1', proxy).uri, '?a=1');
    assert.equal(parseNginxUrl('u:8080/x', proxy).port, 8080);
  });

  it('reads a listen value as a port alone, *:port, or an address', () => {
    assert.equal(parseNginxUrl('8080', listen).host, '*');
    assert.equal(parseNginxUrl('8080', listen).port, 8080);
    assert.equal(parseNginxUrl('*:8081', listen).literal, true);
    assert.equal(parseNginxUrl('127.0.0.1', listen).port, 80);
    assert.equal(parseNginxUrl('99999', listen).err, 'invalid port');
  });
});
