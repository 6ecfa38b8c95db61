/** RFC 9110 §8.4 content codings on a SOAP request: decoded with the cap on the decoded size, or refused with 415. */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContentCoding } from '../../src/soap/index.js';
import { catchFault } from './helpers.js';

const body = Buffer.from('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>');

describe('decodeContentCoding', () => {
  it('passes a body without a coding, or with identity, through untouched', () => {
    expect(decodeContentCoding(body, undefined, 1024, '1.1')).toBe(body);
    expect(decodeContentCoding(body, 'identity', 1024, '1.1')).toBe(body);
  });

  it('decodes gzip, x-gzip, deflate (zlib, or raw as some clients send it) and stacked codings in reverse order', () => {
    expect(decodeContentCoding(gzipSync(body), 'GZIP', 1024, '1.1')).toEqual(body);
    expect(decodeContentCoding(gzipSync(body), 'x-gzip', 1024, '1.1')).toEqual(body);
    expect(decodeContentCoding(deflateSync(body), 'deflate', 1024, '1.1')).toEqual(body);
    expect(decodeContentCoding(deflateRawSync(body), 'deflate', 1024, '1.1')).toEqual(body);
    expect(decodeContentCoding(gzipSync(deflateSync(body)), 'deflate, gzip', 1024, '1.1')).toEqual(body);
  });

  it('refuses what it cannot decode: 415 with Accept-Encoding for an unknown coding, a request fault for corrupt data', () => {
    const unknown = catchFault(() => decodeContentCoding(body, 'gzip, br', 1024, '1.2'));
    expect(unknown).toMatchObject({ kind: 'request', reasonCode: 'unsupportedCoding', httpStatus: 415, version: '1.2', responseHeaders: { 'accept-encoding': 'gzip, deflate' } });
    expect(catchFault(() => decodeContentCoding(body, 'gzip', 1024, '1.1'))).toMatchObject({ kind: 'request', reasonCode: 'contentCoding' });
  });

  it('caps the decoded size, not the received one', () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(2048);
    expect(catchFault(() => decodeContentCoding(bomb, 'gzip', 4096, '1.1'))).toMatchObject({ reasonCode: 'tooLarge', reason: 'Request exceeds 4096 bytes' });
    expect(decodeContentCoding(gzipSync(Buffer.alloc(4096, 0x20)), 'gzip', 4096, '1.1')).toHaveLength(4096);
  });
});
