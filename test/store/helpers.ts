import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ArchiveError, RecordingArchive, type NewRecording } from '../../src/store/index.js';

/** A fixed clock for `createdAt`/`updatedAt`: advance it by hand. */
export function fixedClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const dirs: string[] = [];
const open: RecordingArchive[] = [];

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccgate-archive-'));
  dirs.push(dir);
  return dir;
}

/** An archive closed after the test (in memory with an audio directory, unless `dir` is given). */
export function openArchive(opts: { dir?: string; readonly?: boolean; now?: () => number } = {}): RecordingArchive {
  const a =
    opts.dir !== undefined
      ? RecordingArchive.open({ dir: opts.dir, readonly: opts.readonly ?? false, ...(opts.now && { now: opts.now }) })
      : RecordingArchive.open({ memory: true, audioDir: tempDir(), ...(opts.now && { now: opts.now }) });
  open.push(a);
  return a;
}

afterEach(() => {
  for (const a of open.splice(0)) a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let seq = 0;

/** A recording as the core would create it when an agent answers; `over` replaces fields. */
export function sample(over: Partial<NewRecording> = {}): NewRecording {
  seq++;
  return {
    source: 'ciscoqm',
    callId: `call-${seq}`,
    sipCallId: `${seq}@ccgate`,
    acdCallId: String(17_356_000 + seq),
    ani: '+35840111222',
    dnis: '2001',
    agent: { userId: 'HARRI', userName: 'harri', firstName: 'Harri', lastName: 'Virtanen', extension: '1101' },
    startTime: 1_700_000_000_000 + seq * 1000,
    reasons: ['workflow'],
    ...over,
  };
}

/** Writes a stand-in audio file at the archive's target for `id` and registers it. */
export function writeAudio(a: RecordingArchive, id: number, content = 'RIFF....WAVE'): string {
  const t = a.audioTarget(id);
  writeFileSync(t.path, content);
  a.attachAudio(id, { file: t.file, bytes: content.length, format: 'pcm16', durationMs: 1000, writtenAt: 1_700_000_100_000 });
  return t.path;
}

/** The ArchiveError code `fn` throws, or undefined when it returns (any other error propagates). */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ArchiveError) return e.code;
    throw e;
  }
  return undefined;
}
