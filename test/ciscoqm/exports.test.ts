/**
 * Seed 001 "Downloading the Exported Recording": a finished export stays available for at least the configured time
 * (an hour or more), is retrieved once, and is forgotten (its file deleted) when that time has passed. In virtual time.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { Exports } from '../../src/interfaces/ciscoqm/server/exports.js';

const HOUR = 3_600_000;
let exports: Exports | undefined;
afterEach(async () => {
  await exports?.stop();
  exports = undefined;
});

async function finished(e: Exports, id: string): Promise<void> {
  while (!e.progress(id).finished) {
    if (e.progress(id).error) throw new Error(e.progress(id).error);
    await new Promise((r) => setImmediate(r));
  }
}

describe('export availability', () => {
  it('is retrievable for the whole availability time, then forgotten with its file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-qm-exports-'));
    const source = join(dir, 'source.wav');
    writeFileSync(source, Buffer.from('RIFF....WAVEfmt '));
    const clock = new ManualClock(0);
    exports = new Exports({ dir: join(dir, 'exports'), clock, ttlMs: HOUR, ffmpeg: 'ffmpeg', maxRunning: 1, logger: pino({ level: 'silent' }) });
    await exports.start();
    const kept = exports.begin(1, source, 'WAV');
    const expiring = exports.begin(1, source, 'wav');
    await finished(exports, kept);
    await finished(exports, expiring);
    clock.advance(HOUR - 1);
    expect(exports.progress(expiring)).toEqual({ finished: true });
    const got = exports.take(kept);
    expect(got).toMatchObject({ ok: true, contentType: 'audio/wav', filename: '1.wav' });
    expect(exports.take(kept)).toMatchObject({ ok: false, status: 404 });
    clock.advance(1);
    expect(exports.progress(expiring)).toMatchObject({ finished: false, error: expect.stringMatching(/expired/) });
    expect(exports.take(expiring)).toMatchObject({ ok: false, status: 404 });
    // The file is removed asynchronously: wait for it to go (the test times out if it never does).
    while (existsSync(join(dir, 'exports', `${expiring}.wav`))) await new Promise((r) => setImmediate(r));
    expect(exports.size).toBe(0);
  });
});
