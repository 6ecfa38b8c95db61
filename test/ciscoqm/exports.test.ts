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
    exports = new Exports({ dir: join(dir, 'exports'), clock, ttlMs: HOUR, ffmpeg: 'ffmpeg', maxRunning: 1, maxQueued: 10, maxStoredBytes: 1e9, logger: pino({ level: 'silent' }) });
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

describe('export bounds', () => {
  it('refuses new exports while maxQueued wait or run, and while finished files not downloaded hold maxStoredBytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccgate-qm-exports-'));
    const source = join(dir, 'source.wav');
    writeFileSync(source, Buffer.alloc(64));
    exports = new Exports({ dir: join(dir, 'exports'), clock: new ManualClock(0), ttlMs: HOUR, ffmpeg: 'ffmpeg', maxRunning: 1, maxQueued: 2, maxStoredBytes: 100, logger: pino({ level: 'silent' }) });
    await exports.start();
    expect(exports.busy()).toBeUndefined();
    const a = exports.begin(1, source, 'WAV');
    const b = exports.begin(1, source, 'WAV');
    expect(exports.busy()).toMatch(/2 exports are already waiting or running/);
    await finished(exports, a);
    await finished(exports, b);
    // Two finished files of 64 bytes: 128 bytes stored, over the 100 allowed, until one is downloaded.
    expect(exports.busy()).toMatch(/hold 128 bytes \(limit 100\)/);
    expect(exports.take(a)).toMatchObject({ ok: true });
    expect(exports.busy()).toBeUndefined();
  });
});
