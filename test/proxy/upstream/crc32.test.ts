/** The CRC-32 and address helpers the hash methods depend on. */
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CRC32_INIT,
  crc32,
  crc32Decimal,
  crc32Final,
  crc32String,
  ipHashBytes,
  ipv6Bytes,
} from '../../../src/index.js';

describe('crc32', () => {
  it('equals zlib crc32 over the UTF-8 bytes of any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        assert.equal(crc32(s), zlibCrc32(Buffer.from(s)));
      }),
    );
  });

  it('hashes a decimal prefix as its digits ("12key")', () => {
    assert.equal(crc32Final(crc32String(crc32Decimal(CRC32_INIT, 12), 'key')), crc32('12key'));
  });
});

describe('ipHashBytes', () => {
  it('takes three bytes of IPv4, sixteen of IPv6, three zeros otherwise', () => {
    assert.deepEqual([...ipHashBytes('10.1.2.3')], [10, 1, 2]);
    assert.deepEqual([...ipHashBytes('::1')], [...new Array<number>(15).fill(0), 1]);
    assert.deepEqual([...ipHashBytes('::ffff:10.1.2.3')].slice(10), [0xff, 0xff, 10, 1, 2, 3]);
    assert.deepEqual([...ipHashBytes('unix:')], [0, 0, 0]);
    assert.deepEqual(
      [...ipv6Bytes('2001:db8::8:1')],
      [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 1],
    );
  });
});
