import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_POLICY, redactUrl, resolvePolicy } from '../../src/notify/index.js';
import { parseHttpTarget } from '../../src/notify/target.js';

describe('delivery policy', () => {
  it('has the product defaults', () => {
    expect(resolvePolicy()).toEqual({
      retryBaseMs: 500,
      retryMaxMs: 30_000,
      cancelAfterFailures: 10,
      cancelAfterMs: 120_000,
      queueLimit: 1000,
      queueLimitBytes: 16 * 1024 * 1024,
      highWaterEvents: 500,
      highWaterBytes: 8 * 1024 * 1024,
      connectTimeoutMs: 5000,
      attemptTimeoutMs: 10_000,
      maxResponseBytes: 65_536,
      pipelining: 1,
      sendNextAfterMs: 0,
      maxInFlight: 8,
    });
  });

  it('layers overrides, later wins, undefined falls through', () => {
    const p = resolvePolicy({ retryBaseMs: 20, queueLimit: 5 }, { queueLimit: 7, retryMaxMs: undefined });
    expect(p).toMatchObject({ retryBaseMs: 20, queueLimit: 7, retryMaxMs: DEFAULT_POLICY.retryMaxMs });
  });

  it('puts an unset high-water mark at half its limit and never above it', () => {
    expect(resolvePolicy({ queueLimit: 10, queueLimitBytes: 100 })).toMatchObject({ highWaterEvents: 5, highWaterBytes: 50 });
    expect(resolvePolicy({ queueLimit: 10, highWaterEvents: 50 }).highWaterEvents).toBe(10);
    expect(resolvePolicy({ highWaterEvents: 3 }, { queueLimit: 10 }).highWaterEvents).toBe(3);
  });

  it('rejects values that would stall or spin delivery', () => {
    expect(() => resolvePolicy({ queueLimit: 0 })).toThrow(RangeError);
    expect(() => resolvePolicy({ attemptTimeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => resolvePolicy({ cancelAfterFailures: -1 })).toThrow(RangeError);
  });

  it('backs off exponentially from the base, capped, with ±20 % jitter', () => {
    const p = { retryBaseMs: 500, retryMaxMs: 30_000 };
    const mid = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, p, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(backoffDelay(1, p, () => 0)).toBe(400);
    expect(backoffDelay(1, p, () => 1)).toBe(600);
    expect(backoffDelay(10_000, p, () => 1)).toBe(36_000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3, p);
      expect(d).toBeGreaterThanOrEqual(1600);
      expect(d).toBeLessThanOrEqual(2400);
    }
  });
});

describe('targets in logs carry no credentials', () => {
  it('strips userinfo and turns it into Basic authorization for the wire', () => {
    const t = parseHttpTarget('http://alice:s%40cret@127.0.0.1:8080/cb?x=1');
    expect(t.display).toBe('http://127.0.0.1:8080/cb?x=1');
    expect(t.origin).toBe('http://127.0.0.1:8080');
    expect(t.path).toBe('/cb?x=1');
    expect(t.authorization).toBe('Basic ' + Buffer.from('alice:s@cret').toString('base64'));
    expect(redactUrl('https://u:p@example.com/')).toBe('https://example.com/');
    expect(redactUrl('not a url with password')).toBe('<invalid url>');
  });

  it('refuses non-http targets without echoing the URL', () => {
    expect(() => parseHttpTarget('ftp://u:secret@x/')).toThrow(/http or https/);
    expect(() => parseHttpTarget('u:secret@nowhere')).toThrow(/^(?!.*secret)/);
  });
});
