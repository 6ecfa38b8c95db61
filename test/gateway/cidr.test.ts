import { describe, expect, it } from 'vitest';
import { compileCidrs } from '../../src/net/cidr.js';

describe('CIDR allow-lists', () => {
  it('allows addresses in the ranges, refuses the rest, and treats IPv4-mapped IPv6 as IPv4', () => {
    const ok = compileCidrs(['127.0.0.0/8', '10.1.2.3', 'fc00::/7'], 'test');
    expect(ok('127.0.0.1')).toBe(true);
    expect(ok('::ffff:127.0.0.1')).toBe(true);
    expect(ok('10.1.2.3')).toBe(true);
    expect(ok('10.1.2.4')).toBe(false);
    expect(ok('fd00::1')).toBe(true);
    expect(ok('2001:db8::1')).toBe(false);
    expect(ok('not an address')).toBe(false);
  });

  it('allows everything when empty and names the setting of a bad entry', () => {
    expect(compileCidrs([], 'x')('203.0.113.9')).toBe(true);
    expect(() => compileCidrs(['10.0.0.0/40'], 'allow.qmi')).toThrow('allow.qmi: "10.0.0.0/40" is not an address or CIDR range');
  });
});
