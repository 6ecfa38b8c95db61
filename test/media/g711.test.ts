import { describe, expect, it } from 'vitest';
import { decodeMulaw, encodeMulaw, linearToMulaw, mulawToLinear } from '../../src/media/g711.js';

describe('G.711 μ-law', () => {
  it('encodes the G.711 table end points', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(linearToMulaw(-1)).toBe(0x7f);
  });

  it('decodes the G.711 table end points', () => {
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x7f)).toBe(0);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(mulawToLinear(0x00)).toBe(-32124);
  });

  it('is monotonic, symmetric and round-trips within half a quantisation step of its segment', () => {
    const bad: number[] = [];
    let prev = 0x100;
    for (let x = 0; x <= 32767; x++) {
      const u = linearToMulaw(x);
      const y = mulawToLinear(u);
      // Inverted on the wire: positive values count down from 0xFF; the step doubles per segment (exponent).
      const step = 1 << (((~u >> 4) & 0x07) + 3);
      const tooFar = x <= 32635 && Math.abs(y - x) > step / 2;
      const asymmetric = mulawToLinear(linearToMulaw(-x)) + y !== 0;
      if (u > prev || tooFar || asymmetric) bad.push(x);
      prev = u;
    }
    expect(bad).toEqual([]);
  });

  it('keeps relative error under 3.2% above the first segments (8-bit log companding)', () => {
    for (const x of [300, 1000, 5000, 12345, 30000]) {
      expect(Math.abs(mulawToLinear(linearToMulaw(x)) - x) / x).toBeLessThan(0.032);
    }
  });

  it('decodes every code to itself after re-encoding', () => {
    for (let u = 0; u < 256; u++) {
      if (u === 0x7f) continue; // negative zero re-encodes as positive zero (0xFF)
      expect(linearToMulaw(mulawToLinear(u))).toBe(u);
    }
  });

  it('encodes and decodes buffers like the scalar functions', () => {
    const pcm = Int16Array.from([0, 1, -1, 100, -100, 32767, -32768, 8000]);
    const enc = encodeMulaw(pcm);
    expect([...enc]).toEqual([...pcm].map(linearToMulaw));
    expect([...decodeMulaw(enc)]).toEqual([...enc].map(mulawToLinear));
  });
});
