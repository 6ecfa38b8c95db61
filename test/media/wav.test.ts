import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mix, partyVoice } from '../../src/media/audio.js';
import { decodeMulaw, encodeMulaw } from '../../src/media/g711.js';
import { readWavInfo, writeWav } from '../../src/media/wav.js';

const call = mix(partyVoice(0), partyVoice(1));
const segments = [
  { startMs: 0, endMs: 2000 },
  { startMs: 3000, endMs: 4000 },
];

describe('writeWav', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccgate-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes 16-bit PCM of the segments only, with a valid 44-byte header', async () => {
    const path = join(dir, 'nested', 'deeper', 'call.wav');
    const res = await writeWav(path, call, segments);
    expect(res).toEqual({ bytes: 44 + 24000 * 2, samples: 24000, durationMs: 3000 });
    const buf = await readFile(path);
    expect(buf.length).toBe(44 + 24000 * 2);
    expect((await stat(path)).size).toBe(res.bytes);
    expect(readWavInfo(buf)).toEqual({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      formatTag: 1,
      dataBytes: 48000,
      durationMs: 3000,
    });
    expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
    expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
    // After 2 s of audio comes the call at 3 s: the paused second is cut out.
    const pcm = (offset: number, n: number) =>
      Array.from({ length: n }, (_, i) => buf.readInt16LE(44 + 2 * (offset + i)));
    expect(pcm(0, 400)).toEqual([...call.samples(0, 400)]);
    expect(pcm(16000, 400)).toEqual([...call.samples(24000, 400)]);
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['call.wav']); // no .part left behind
  });

  it('writes μ-law (format 7) with fmt cbSize and a fact chunk', async () => {
    const path = join(dir, 'call-ulaw.wav');
    const res = await writeWav(path, call, segments, { format: 'mulaw' });
    const buf = await readFile(path);
    expect(res).toEqual({ bytes: 58 + 24000, samples: 24000, durationMs: 3000 });
    expect(buf.length).toBe(58 + 24000);
    expect(readWavInfo(buf)).toEqual({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 8,
      formatTag: 7,
      dataBytes: 24000,
      durationMs: 3000,
    });
    expect(buf.readUInt32LE(16)).toBe(18); // fmt chunk size with cbSize
    expect(buf.toString('ascii', 38, 42)).toBe('fact');
    expect(buf.readUInt32LE(46)).toBe(24000); // samples per channel
    expect([...buf.subarray(58, 58 + 160)]).toEqual([...encodeMulaw(call.samples(0, 160))]);
    expect(decodeMulaw(buf.subarray(58)).length).toBe(24000);
  });

  it('pads an odd-sized data chunk and stays readable', async () => {
    const path = join(dir, 'odd.wav');
    const res = await writeWav(path, call, [{ startMs: 0, endMs: 0.125 }], { format: 'mulaw' });
    expect(res.samples).toBe(1);
    const buf = await readFile(path);
    expect(buf.length).toBe(58 + 2);
    expect(buf.readUInt32LE(4)).toBe(buf.length - 8);
    expect(readWavInfo(buf).dataBytes).toBe(1);
  });

  it('is reproducible and streams long recordings in chunks', async () => {
    const long = [{ startMs: 0, endMs: 60_000 }];
    const r1 = await writeWav(join(dir, 'l1.wav'), call, long);
    const r2 = await writeWav(join(dir, 'l2.wav'), call, long);
    expect(r1).toEqual(r2);
    expect((await readFile(join(dir, 'l1.wav'))).equals(await readFile(join(dir, 'l2.wav')))).toBe(true);
    expect(r1.durationMs).toBe(60_000);
  });

  it('rejects unordered or negative segments and other sample rates', async () => {
    await expect(writeWav(join(dir, 'bad.wav'), call, [{ startMs: 1000, endMs: 500 }])).rejects.toThrow(RangeError);
    await expect(writeWav(join(dir, 'bad.wav'), call, [...segments].reverse())).rejects.toThrow(RangeError);
    await expect(writeWav(join(dir, 'bad.wav'), call, [{ startMs: -1, endMs: 5 }])).rejects.toThrow(RangeError);
    const sampleRate = 16000 as 8000;
    await expect(writeWav(join(dir, 'bad.wav'), call, segments, { sampleRate })).rejects.toThrow(RangeError);
    expect((await readdir(dir)).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('readWavInfo refuses what is not a WAVE file', () => {
    expect(() => readWavInfo(Buffer.from('RIFF\0\0\0\0AVI '))).toThrow();
    expect(() => readWavInfo(Buffer.from('RIFF\x04\0\0\0WAVE'))).toThrow(/fmt or data/);
  });
});
