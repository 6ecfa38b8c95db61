import { describe, expect, it } from 'vitest';
import { mix, partyVoice, shift, silence } from '../../src/media/audio.js';
import { tonePower } from './helpers.js';

const peak = (a: Int16Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('synthetic audio', () => {
  it('is a pure function of the absolute sample index', () => {
    const v = partyVoice(0);
    const whole = v.samples(1000, 800);
    const parts = [...v.samples(1000, 300), ...v.samples(1300, 500)];
    expect([...whole]).toEqual(parts);
    expect([...partyVoice(0).samples(1000, 800)]).toEqual([...whole]);
  });

  it('alternates the parties like a conversation, each at its own pitch', () => {
    const a = partyVoice(0);
    const b = partyVoice(1);
    // 0.5–1.5 s: party 0 talks, party 1 listens.
    expect(peak(a.samples(4000, 8000))).toBeGreaterThan(4000);
    expect(peak(b.samples(4000, 8000))).toBe(0);
    // 3.5–4.5 s: the other way round.
    expect(peak(a.samples(28000, 8000))).toBe(0);
    expect(peak(b.samples(28000, 8000))).toBeGreaterThan(4000);
    const sa = a.samples(4000, 4000);
    const sb = b.samples(28000, 4000);
    expect(tonePower(sa, 440)).toBeGreaterThan(100 * tonePower(sa, 660));
    expect(tonePower(sb, 660)).toBeGreaterThan(100 * tonePower(sb, 440));
    expect(peak(a.samples(0, 48000))).toBeLessThanOrEqual(8000);
    expect(peak(a.samples(-100, 100))).toBe(0);
  });

  it('mixes with saturation instead of wrapping', () => {
    const loud = { samples: (_s: number, n: number) => new Int16Array(n).fill(30000) };
    const quiet = { samples: (_s: number, n: number) => new Int16Array(n).fill(-30000) };
    expect([...mix(loud, loud).samples(0, 3)]).toEqual([32767, 32767, 32767]);
    expect([...mix(quiet, quiet).samples(0, 2)]).toEqual([-32768, -32768]);
    expect([...mix(loud, quiet).samples(0, 2)]).toEqual([0, 0]);
    expect([...mix().samples(0, 2)]).toEqual([0, 0]);
    const both = mix(partyVoice(0), partyVoice(1), silence);
    expect([...both.samples(100, 50)]).toEqual([...partyVoice(0).samples(100, 50)]);
  });

  it('shift moves the source position', () => {
    expect([...shift(partyVoice(1), 24000).samples(0, 100)]).toEqual([...partyVoice(1).samples(24000, 100)]);
  });

  it('refuses a negative party index', () => {
    expect(() => partyVoice(-1)).toThrow(RangeError);
  });
});
