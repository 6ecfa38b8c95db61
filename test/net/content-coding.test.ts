import { describe, expect, it } from 'vitest';
import { contentCodings } from '../../src/net/content-coding.js';

describe('contentCodings (RFC 9110 §8.4)', () => {
  it('lists the codings applied, lower-cased, without identity or empty entries, a repeated header joined', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('')).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings(' identity , ')).toEqual([]);
    expect(contentCodings('GZip')).toEqual(['gzip']);
    expect(contentCodings('deflate, identity, gzip')).toEqual(['deflate', 'gzip']);
    expect(contentCodings(['gzip', 'br'])).toEqual(['gzip', 'br']);
  });
});
