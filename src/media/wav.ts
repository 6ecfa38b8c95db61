/**
 * Server-side recordings as RIFF/WAVE files, 8 kHz mono, 16-bit PCM or G.711 μ-law.
 *
 * The RIFF header is written here (about 30 lines) instead of with a WAV package because those build the whole file in
 * memory, and a recording must stream to disk in chunks; since the segments are known before writing, the sizes are
 * exact up front and no header patching is needed.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { SAMPLE_RATE, type AudioSource } from './audio.js';
import { encodeMulaw } from './g711.js';

/** An active (not paused) interval of the call, in ms from the source's sample 0. */
export interface RecordingSegment {
  startMs: number;
  endMs: number;
}

export type WavFormat = 'pcm16' | 'mulaw';

export interface WavWriteOptions {
  sampleRate?: 8000;
  format?: WavFormat;
}

export interface WavWriteResult {
  bytes: number;
  samples: number;
  durationMs: number;
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  formatTag: number;
  dataBytes: number;
  durationMs: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_MULAW = 7;
/** One second of audio per write: bounded memory however long the call. */
const CHUNK_SAMPLES = SAMPLE_RATE;
/** RIFF sizes are 32-bit; keep headroom for the header. */
const MAX_DATA_BYTES = 0xffffffff - 64;
const LITTLE_ENDIAN = endianness() === 'LE';

function sampleRange(seg: RecordingSegment): [number, number] {
  return [Math.round((seg.startMs * SAMPLE_RATE) / 1000), Math.round((seg.endMs * SAMPLE_RATE) / 1000)];
}

function checkSegments(segments: RecordingSegment[]): void {
  let lastEnd = 0;
  for (const s of segments) {
    if (!Number.isFinite(s.startMs) || !Number.isFinite(s.endMs) || s.startMs < lastEnd || s.endMs < s.startMs) {
      const what = JSON.stringify(s);
      throw new RangeError(`recording segments must be ordered, non-overlapping and non-negative: ${what}`);
    }
    lastEnd = s.endMs;
  }
}

/**
 * The header: RIFF, then `fmt ` and, for μ-law, the `fact` chunk that every non-PCM format needs (Microsoft RIFF
 * "Multimedia Programming Interface and Data Specifications 1.0", WAVE fmt/fact), then the `data` chunk header.
 */
function wavHeader(format: WavFormat, samples: number): { header: Buffer; dataBytes: number; pad: number } {
  const pcm = format === 'pcm16';
  const bytesPerSample = pcm ? 2 : 1;
  const dataBytes = samples * bytesPerSample;
  // RIFF chunks are word-aligned: an odd-sized data chunk is followed by a pad octet not counted in its size.
  const pad = dataBytes % 2;
  // Non-PCM formats carry cbSize (WAVEFORMATEX), so their fmt chunk is 18 octets.
  const fmtBytes = pcm ? 16 : 18;
  const headerBytes = 12 + 8 + fmtBytes + (pcm ? 0 : 12) + 8;
  const h = Buffer.alloc(headerBytes);
  let o = 0;
  o += h.write('RIFF', o, 'ascii');
  o = h.writeUInt32LE(headerBytes - 8 + dataBytes + pad, o);
  o += h.write('WAVE', o, 'ascii');
  o += h.write('fmt ', o, 'ascii');
  o = h.writeUInt32LE(fmtBytes, o);
  o = h.writeUInt16LE(pcm ? WAVE_FORMAT_PCM : WAVE_FORMAT_MULAW, o);
  o = h.writeUInt16LE(1, o); // mono
  o = h.writeUInt32LE(SAMPLE_RATE, o);
  o = h.writeUInt32LE(SAMPLE_RATE * bytesPerSample, o); // byte rate
  o = h.writeUInt16LE(bytesPerSample, o); // block align
  o = h.writeUInt16LE(8 * bytesPerSample, o);
  if (!pcm) {
    o = h.writeUInt16LE(0, o); // cbSize
    o += h.write('fact', o, 'ascii');
    o = h.writeUInt32LE(4, o);
    o = h.writeUInt32LE(samples, o);
  }
  o += h.write('data', o, 'ascii');
  h.writeUInt32LE(dataBytes, o);
  return { header: h, dataBytes, pad };
}

function encodeChunk(format: WavFormat, pcm: Int16Array): Buffer {
  if (format === 'mulaw') return encodeMulaw(pcm);
  if (LITTLE_ENDIAN) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = Buffer.allocUnsafe(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, i * 2);
  return out;
}

/**
 * Writes the source's audio over `segments` (pauses cut out) to `path`, via `path.part` and a rename so a reader never
 * sees a half-written recording.
 */
export async function writeWav(
  path: string,
  source: AudioSource,
  segments: RecordingSegment[],
  opts: WavWriteOptions = {},
): Promise<WavWriteResult> {
  if ((opts.sampleRate ?? SAMPLE_RATE) !== SAMPLE_RATE) throw new RangeError('only 8000 Hz recordings are supported');
  const format = opts.format ?? 'pcm16';
  checkSegments(segments);
  const ranges = segments.map(sampleRange);
  const samples = ranges.reduce((n, [a, b]) => n + (b - a), 0);
  const { header, dataBytes, pad } = wavHeader(format, samples);
  if (dataBytes > MAX_DATA_BYTES) throw new RangeError('recording too long for a RIFF file');

  await mkdir(dirname(path), { recursive: true });
  const partPath = `${path}.part`;
  const file = await open(partPath, 'w');
  try {
    await file.write(header);
    for (const [from, to] of ranges) {
      for (let s = from; s < to; s += CHUNK_SAMPLES) {
        await file.write(encodeChunk(format, source.samples(s, Math.min(CHUNK_SAMPLES, to - s))));
      }
    }
    if (pad) await file.write(Buffer.alloc(1));
    await file.close();
    await rename(partPath, path);
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(partPath, { force: true });
    throw err;
  }
  return { bytes: header.length + dataBytes + pad, samples, durationMs: (samples * 1000) / SAMPLE_RATE };
}

/** Reads format and data size from a WAV file's chunks; throws unless it is RIFF/WAVE with fmt and data chunks. */
export function readWavInfo(buf: Buffer): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt: (Omit<WavInfo, 'dataBytes' | 'durationMs'> & { blockAlign: number }) | undefined;
  let dataBytes: number | undefined;
  for (let o = 12; o + 8 <= buf.length; ) {
    const id = buf.toString('ascii', o, o + 4);
    const size = buf.readUInt32LE(o + 4);
    const body = o + 8;
    if (id === 'fmt ' && body + 16 <= buf.length) {
      fmt = {
        formatTag: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      dataBytes = size;
    }
    o = body + size + (size % 2);
  }
  if (!fmt || dataBytes === undefined) throw new Error('WAVE file without fmt or data chunk');
  const { blockAlign, ...rest } = fmt;
  const frames = blockAlign > 0 ? dataBytes / blockAlign : 0;
  return { ...rest, dataBytes, durationMs: fmt.sampleRate > 0 ? (frames * 1000) / fmt.sampleRate : 0 };
}
