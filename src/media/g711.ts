/**
 * ITU-T G.711 μ-law (RTP payload type 0, PCMU: RFC 3551 §4.5.14).
 *
 * Written here rather than taken from a package because it is the ~20-line reference algorithm (the segment/mantissa
 * form of the CCITT/Sun g711.c), it is exercised against the G.711 table values in test/media/g711.test.ts, and the
 * hot path (one call per sample per stream) should not pay for a general-purpose codec API.
 */

/** Added before segmenting so that the segment boundaries fall on powers of two (G.711 μ-law, §2). */
const BIAS = 0x84;
/** 32767 - BIAS, rounded down to the last value that still encodes in segment 7. */
const CLIP = 32635;

/** One 16-bit linear sample to one μ-law octet (bits inverted as transmitted on the wire). */
export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.trunc(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One μ-law octet back to a 16-bit linear sample (the segment's midpoint). */
export function mulawToLinear(octet: number): number {
  const u = ~octet & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  // `| 0` so that code 0x7F (negative zero) decodes to 0, not -0.
  return (u & 0x80 ? -magnitude : magnitude) | 0;
}

/** Precomputed once: encoding is a table lookup per sample (64 KiB), decoding a 256-entry table. */
const ENCODE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE[i] = linearToMulaw(i - 32768);
const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = mulawToLinear(i);

export function encodeMulaw(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ENCODE[(pcm[i] ?? 0) + 32768] ?? 0xff;
  return out;
}

export function decodeMulaw(octets: Uint8Array): Int16Array {
  const out = new Int16Array(octets.length);
  for (let i = 0; i < octets.length; i++) out[i] = DECODE[octets[i] ?? 0xff] ?? 0;
  return out;
}
