/**
 * Synthetic call audio. A source is a pure function of the absolute sample index (8 kHz), so an RTP stream can pause
 * and resume at the live position and a recording written twice is byte-identical.
 */

/** G.711 narrowband: every stream and recording in ccgate runs at 8 kHz mono (RFC 3551 §4.5.14). */
export const SAMPLE_RATE = 8000;

export interface AudioSource {
  /** `count` samples starting at absolute sample `startSample` (negative indices are silence). */
  samples(startSample: number, count: number): Int16Array;
}

/** One talk/listen turn pair: a party talks for TALK_MS, then listens while the other party talks. */
const CYCLE_SAMPLES = 6 * SAMPLE_RATE;
const TALK_SAMPLES = 2.6 * SAMPLE_RATE;
/** 10 ms fade in/out so a talk spurt does not start or end with a click. */
const RAMP_SAMPLES = 80;
/** About -12 dBFS: loud enough to see in a meter, far from clipping when two parties are mixed. */
const AMPLITUDE = 8000;
/** Slow "syllable" modulation so the tone sounds less like a test signal. */
const SYLLABLE_HZ = 3;

export const silence: AudioSource = {
  samples: (_start, count) => new Int16Array(count),
};

/**
 * A party's voice: party 0 talks at 440 Hz, party 1 at 660 Hz, party n at 440 + 220·n Hz. Odd parties talk while even
 * parties listen, so a two-party call alternates like a conversation (0–2.6 s party 0, 3–5.6 s party 1, repeat).
 */
export function partyVoice(partyIndex: number): AudioSource {
  if (!Number.isInteger(partyIndex) || partyIndex < 0) {
    throw new RangeError(`partyIndex must be a non-negative integer, got ${partyIndex}`);
  }
  const freq = 440 + 220 * partyIndex;
  const offset = (partyIndex % 2) * (CYCLE_SAMPLES / 2);
  const w = (2 * Math.PI * freq) / SAMPLE_RATE;
  const ws = (2 * Math.PI * SYLLABLE_HZ) / SAMPLE_RATE;
  return {
    samples(start, count) {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) {
        const n = start + i;
        if (n < 0) continue;
        const p = (((n - offset) % CYCLE_SAMPLES) + CYCLE_SAMPLES) % CYCLE_SAMPLES;
        if (p >= TALK_SAMPLES) continue;
        const env = Math.min(1, p / RAMP_SAMPLES, (TALK_SAMPLES - p) / RAMP_SAMPLES);
        const syllable = 0.7 + 0.3 * Math.cos(ws * n);
        out[i] = Math.round(AMPLITUDE * env * syllable * Math.sin(w * n));
      }
      return out;
    },
  };
}

/** The sum of several sources, saturated to 16 bits (what a conference bridge or a stereo-to-mono recorder hears). */
export function mix(...sources: AudioSource[]): AudioSource {
  return {
    samples(start, count) {
      if (sources.length === 1 && sources[0]) return sources[0].samples(start, count);
      const acc = new Int32Array(count);
      for (const s of sources) {
        const part = s.samples(start, count);
        for (let i = 0; i < count; i++) acc[i] = (acc[i] ?? 0) + (part[i] ?? 0);
      }
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) {
        const v = acc[i] ?? 0;
        out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      return out;
    },
  };
}

/**
 * The source as heard from `offsetSamples` on: sample 0 of the result is sample `offsetSamples` of `source`. Lets a
 * monitoring stream opened mid-call start at the call's current position.
 */
export function shift(source: AudioSource, offsetSamples: number): AudioSource {
  return { samples: (start, count) => source.samples(start + offsetSamples, count) };
}
