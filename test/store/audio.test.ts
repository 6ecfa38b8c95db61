import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCode, openArchive, sample, tempDir, writeAudio } from './helpers.js';

describe('audio files', () => {
  it('names the file by id in the archive directory and registers it', () => {
    const dir = tempDir();
    const a = openArchive({ dir });
    const r = a.create(sample());
    a.stop(r.id, r.startTime + 60_000);
    const t = a.audioTarget(r.id);
    expect(t).toEqual({ file: `${r.id}.wav`, path: join(dir, `${r.id}.wav`) });
    writeFileSync(t.path, 'RIFF');
    const res = a.attachAudio(r.id, { file: t.file, bytes: 4, format: 'mulaw', durationMs: 60_000, writtenAt: 123 });
    expect(res.kept).toBe(true);
    expect(res.recording?.audio).toEqual({ file: t.file, bytes: 4, format: 'mulaw', durationMs: 60_000, writtenAt: 123 });
    expect(a.audioPath(r.id)).toBe(t.path);
    expect(a.search({ hasAudio: true }).recordings.map((x) => x.id)).toEqual([r.id]);
    expect(a.search({ audioFile: t.file }).recordings.map((x) => x.id)).toEqual([r.id]);
  });

  it('refuses paths outside the archive directory and files that do not exist', () => {
    const a = openArchive();
    const r = a.create(sample());
    const base = { bytes: 1, format: 'pcm16', durationMs: 1, writtenAt: 1 } as const;
    for (const file of ['../escape.wav', '/etc/passwd', 'a/../../b.wav', 'a\\b.wav', './x.wav', '', 'missing.wav']) {
      expect(errorCode(() => a.attachAudio(r.id, { ...base, file })), file).toBe('invalidInput');
    }
    expect(errorCode(() => a.audioTarget(r.id, '../x'))).toBe('invalidInput');
    expect(errorCode(() => a.audioTarget(4242))).toBe('unknownRecording');
  });

  it('deletes the audio and the metadata but keeps the record (seed 001 deleteRecording: fileDeleted)', () => {
    const a = openArchive();
    const r = a.create(sample({ metadata: [{ key: 'custID', value: '7' }], reasons: ['workflow'] }));
    a.stop(r.id, r.startTime + 1000);
    const path = writeAudio(a, r.id);
    const first = a.deleteAudio(r.id);
    expect(first.fileDeleted).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(first.recording).toMatchObject({ id: r.id, retention: 'audioDeleted', metadata: [], reasons: ['workflow'], ani: r.ani });
    expect(first.recording.audio).toBeUndefined();
    expect(a.audioPath(r.id)).toBeUndefined();
    // "If false, it means that the file was either already deleted or never existed at all."
    expect(a.deleteAudio(r.id).fileDeleted).toBe(false);
    const never = a.create(sample());
    expect(a.deleteAudio(never.id).fileDeleted).toBe(false);
    // The contact is still found, without audio.
    expect(a.search({ retention: 'audioDeleted', hasAudio: false }).recordings.map((x) => x.id)).toEqual([r.id, never.id]);
  });

  it('after an agent Delete, metadata and Tag have no effect and a file written later is removed on arrival', () => {
    const a = openArchive();
    const r = a.create(sample());
    expect(a.deleteAudio(r.id, 'deleted').recording.retention).toBe('deleted');
    expect(errorCode(() => a.setMetadata(r.id, [{ key: 'custID', value: '1' }]))).toBe('recordingDeleted');
    expect(errorCode(() => a.addReasons(r.id, ['agentTagged']))).toBe('recordingDeleted');
    // The call goes on and ends; the media layer writes the WAV as usual.
    a.stop(r.id, r.startTime + 5000);
    const t = a.audioTarget(r.id);
    writeFileSync(t.path, 'RIFF');
    const res = a.attachAudio(r.id, { file: t.file, bytes: 4, format: 'pcm16', durationMs: 5000, writtenAt: 1 });
    expect(res.kept).toBe(false);
    expect(res.recording?.audio).toBeUndefined();
    expect(existsSync(t.path)).toBe(false);
    // A later Server API delete does not turn an agent-deleted contact into a visible one.
    expect(a.deleteAudio(r.id, 'audioDeleted').recording.retention).toBe('deleted');
  });

  it('removes the file of an entry removed while its file was being written', () => {
    const a = openArchive();
    const r = a.create(sample());
    const t = a.audioTarget(r.id);
    a.remove(r.id);
    writeFileSync(t.path, 'RIFF');
    expect(a.attachAudio(r.id, { file: t.file, bytes: 4, format: 'pcm16', durationMs: 1, writtenAt: 1 })).toEqual({ kept: false });
    expect(existsSync(t.path)).toBe(false);
  });

  it('removes the audio file with the entry, and a replaced file', () => {
    const a = openArchive();
    const r = a.create(sample());
    const path = writeAudio(a, r.id);
    const other = join(a.audioDir!, 'other.wav');
    writeFileSync(other, 'RIFF2');
    a.attachAudio(r.id, { file: 'other.wav', bytes: 5, format: 'pcm16', durationMs: 1, writtenAt: 2 });
    expect(existsSync(path)).toBe(false);
    expect(a.remove(r.id)).toBe(true);
    expect(existsSync(other)).toBe(false);
  });

  it('inside a batch, removes files only when the batch commits', () => {
    const a = openArchive();
    const r = a.create(sample());
    const path = writeAudio(a, r.id);
    expect(() =>
      a.batch(() => {
        expect(a.deleteAudio(r.id).fileDeleted).toBe(true);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(existsSync(path)).toBe(true);
    expect(a.get(r.id)?.audio?.file).toBe(`${r.id}.wav`);
    a.batch(() => {
      a.deleteAudio(r.id);
      expect(existsSync(path)).toBe(true);
    });
    expect(existsSync(path)).toBe(false);
  });
});
