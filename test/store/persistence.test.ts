import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  ArchiveError,
  CATALOGUE_FILE,
  MIGRATIONS,
  RecordingArchive,
  SCHEMA_VERSION,
  migrate,
  schemaVersion,
  type RecordingRecord,
} from '../../src/store/index.js';
import { errorCode, openArchive, sample, tempDir, writeAudio } from './helpers.js';

describe('a restart of the gateway', () => {
  it('finds every recording, its metadata, reasons, segments and audio again after close and reopen', () => {
    const dir = tempDir();
    const before = RecordingArchive.open({ dir });
    const r = before.create(sample({ metadata: [{ key: 'custID', value: '1000' }], reasons: ['workflow'] }));
    before.pause(r.id, r.startTime + 1000);
    before.resume(r.id, r.startTime + 2000);
    before.stop(r.id, r.startTime + 3000);
    before.addReasons(r.id, ['agentTagged']);
    before.setMetadata(r.id, [{ key: 'balance', value: '200' }]);
    const path = writeAudio(before, r.id);
    const deleted = before.create(sample());
    before.deleteAudio(deleted.id, 'deleted');
    before.stop(deleted.id, deleted.startTime + 10);
    const snapshot = before.get(r.id);
    before.close();
    expect(readdirSync(dir).sort()).toEqual([`${r.id}.wav`, CATALOGUE_FILE].sort());

    const after = openArchive({ dir });
    expect(after.recovered).toBe(0);
    expect(after.get(r.id)).toEqual(snapshot);
    expect(after.audioPath(r.id)).toBe(path);
    expect(after.search({ metadata: [{ key: 'balance', value: '200' }] }).recordings.map((x) => x.id)).toEqual([r.id]);
    expect(after.get(deleted.id)?.retention).toBe('deleted');
    // Ids go on after the highest one ever given, never reused.
    expect(after.create(sample()).id).toBe(deleted.id + 1);
  });

  it('stops recordings that were running when the process ended, at their last change', () => {
    const dir = tempDir();
    let t = 1000;
    const before = RecordingArchive.open({ dir, now: () => t });
    const running = before.create(sample({ callId: 'seed-call', source: 'qmi', startTime: 500 }));
    t = 4000;
    const paused = before.create(sample({ startTime: 3000 }));
    before.pause(paused.id, 3500);
    t = 6000;
    // Not closed: the process "died" here (the file is as it would be).
    const after = openArchive({ dir, now: () => 9000 });
    expect(after.recovered).toBe(2);
    expect(after.get(running.id)).toMatchObject({ state: 'stopped', endTime: 1000, segments: [{ startMs: 500, endMs: 1000 }], updatedAt: 9000 });
    expect(after.get(paused.id)).toMatchObject({ state: 'stopped', endTime: 4000, segments: [{ startMs: 3000, endMs: 3500 }] });
    // The seed example's CallID can be recorded again after the restart.
    expect(after.create(sample({ callId: 'seed-call', source: 'qmi', startTime: 10_000 })).state).toBe('recording');
    before.close();
  });

  it('opens read-only for readers, refusing writes, and refuses a catalogue that does not exist', () => {
    const dir = tempDir();
    const w = openArchive({ dir });
    const r = w.create(sample());
    const ro = openArchive({ dir, readonly: true });
    expect(ro.get(r.id)?.callId).toBe(r.callId);
    expect(errorCode(() => ro.create(sample()))).toBe('readOnly');
    expect(errorCode(() => ro.deleteAudio(r.id))).toBe('readOnly');
    expect(errorCode(() => RecordingArchive.open({ dir: join(dir, 'nowhere'), readonly: true }))).toBe('unreadable');
  });

  it('refuses a file that is not a catalogue with one error naming it, and a directory it cannot create', () => {
    const dir = tempDir();
    writeFileSync(join(dir, CATALOGUE_FILE), Buffer.alloc(8192, 0x5a));
    let err: unknown;
    try {
      RecordingArchive.open({ dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArchiveError);
    expect((err as ArchiveError).code).toBe('unreadable');
    expect((err as ArchiveError).message).toContain(join(dir, CATALOGUE_FILE));
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(errorCode(() => RecordingArchive.open({ dir: join(file, 'sub') }))).toBe('unreadable');
  });
});

describe('schema versions and migrations', () => {
  it('records each migration applied, and applies only the new ones', () => {
    const db = new Database(':memory:');
    try {
      expect(migrate(db, 1)).toEqual({ from: 0, to: SCHEMA_VERSION });
      expect(migrate(db, 2)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const next = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: 'notes', up: (d: Database.Database) => d.exec('ALTER TABLE recording ADD COLUMN note TEXT') }];
      expect(migrate(db, 3, next)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION + 1 });
      expect(db.prepare('SELECT version, applied_at FROM archive_schema ORDER BY version').all()).toEqual([
        ...MIGRATIONS.map((m) => ({ version: m.version, applied_at: 1 })),
        { version: SCHEMA_VERSION + 1, applied_at: 3 },
      ]);
      // This code does not know version 2: it refuses rather than guess.
      expect(errorCode(() => migrate(db, 4))).toBe('schemaTooNew');
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back whole', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, 1);
      const broken = [
        ...MIGRATIONS,
        {
          version: SCHEMA_VERSION + 1,
          description: 'half done',
          up: (d: Database.Database) => {
            d.exec('CREATE TABLE half (x)');
            throw new Error('disk on fire');
          },
        },
      ];
      expect(() => migrate(db, 2, broken)).toThrow('disk on fire');
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('reads a version 1 catalogue (before start-time zones): opened, it gains its zones and every search by period finds the same', () => {
    const dir = tempDir();
    const v1 = new Database(join(dir, CATALOGUE_FILE));
    migrate(v1, 1, MIGRATIONS.slice(0, 1));
    const insert = v1.prepare(
      `INSERT INTO recording (source, call_id, ani, user_id, start_time, end_time, segments, state, created_at, updated_at)
       VALUES ('ciscoqm', ?, '+358', 'HARRI', ?, ?, '[]', 'stopped', 0, 0)`,
    );
    // 700 recordings over three zones; a few out of time order, as a clock step would leave them.
    const starts = Array.from({ length: 700 }, (_, i) => (i % 97 === 0 ? 5_000_000 - i : 1_000_000 + i * 1000));
    v1.transaction(() => starts.forEach((t, i) => insert.run(`v1-${i}`, t, t + 500)))();
    v1.close();
    const a = openArchive({ dir });
    const reader = new Database(join(dir, CATALOGUE_FILE), { readonly: true });
    expect(schemaVersion(reader)).toBe(SCHEMA_VERSION);
    reader.close();
    const byPeriod = (from: number, before: number, limit: number): number[] => {
      const out: number[] = [];
      let afterId: number | undefined;
      do {
        const page = a.search({ startFrom: from, startBefore: before }, { limit, ...(afterId !== undefined && { afterId }) });
        out.push(...page.recordings.map((r) => r.id));
        afterId = page.nextAfterId;
      } while (afterId !== undefined);
      return out;
    };
    const expected = (from: number, before: number): number[] => starts.flatMap((t, i) => (t >= from && t < before ? [i + 1] : []));
    for (const [from, before] of [[1_200_000, 1_500_000], [1_000_000, 1_700_000], [4_999_000, 5_000_001], [0, 1e12]] as const) {
      expect(byPeriod(from, before, 7), `${from} … ${before}`).toEqual(expected(from, before));
    }
    // A broad period is walked through the zones the migration built.
    expect(a.explain({ startFrom: 1_000_000, startBefore: 1_700_000 }, { limit: 7 })[0]).toBe('SCAN z');
    // Written after the migration: the triggers keep the zones.
    const late = a.create(sample({ startTime: 1_250_500 }));
    expect(byPeriod(1_250_000, 1_251_000, 7)).toEqual([...expected(1_250_000, 1_251_000), late.id]);
  });

  it('will not open a catalogue written by a newer ccgate', () => {
    const dir = tempDir();
    RecordingArchive.open({ dir }).close();
    const db = new Database(join(dir, CATALOGUE_FILE));
    db.prepare('INSERT INTO archive_schema (version, applied_at) VALUES (?, 0)').run(SCHEMA_VERSION + 1);
    db.close();
    expect(errorCode(() => RecordingArchive.open({ dir }))).toBe('schemaTooNew');
    expect(errorCode(() => RecordingArchive.open({ dir, readonly: true }))).toBe('schemaTooNew');
  });
});

const WRITER = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));

type WriterMessage = { ready?: true; committed?: number; done?: number };

/** Starts the writer process; `onMessage` sees every message after `ready`. */
function startWriter(dir: string, batches: number, perBatch: number, onMessage: (m: WriterMessage, child: ChildProcess) => void): Promise<number | null> {
  const child = fork(WRITER, [dir, String(batches), String(perBatch)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('message', (m: WriterMessage) => {
      if (m.ready) child.send('go');
      else onMessage(m, child);
    });
    child.on('error', reject);
    child.on('exit', (status) => resolve(status));
  });
}

/** Every entry, by paging; checks what any reader must always see. */
function readAll(a: RecordingArchive, perBatch: number): RecordingRecord[] {
  const out: RecordingRecord[] = [];
  let afterId: number | undefined;
  do {
    const page = a.search({ userId: 'WRITER' }, { limit: 16, ...(afterId !== undefined && { afterId }) });
    out.push(...page.recordings);
    afterId = page.nextAfterId;
  } while (afterId !== undefined);
  // A batch is one transaction: a reader sees all of it or none of it, each entry with all its metadata.
  expect(out.length % perBatch).toBe(0);
  for (const r of out) expect(r.metadata.map((m) => m.key)).toEqual(['batch', 'n', 'pid']);
  for (let i = 1; i < out.length; i++) expect(out[i]!.id).toBeGreaterThan(out[i - 1]!.id);
  return out;
}

describe('other processes', () => {
  it('lets a reader search while another process writes, always seeing whole transactions', async () => {
    const dir = tempDir();
    const reader = openArchive({ dir });
    let reads = 0;
    let seen = 0;
    let done = -1;
    const status = await startWriter(dir, 24, 5, (m) => {
      if (m.done !== undefined) done = m.done;
      // The writer goes on while this reads: nothing waits for it.
      const now = readAll(reader, 5).length;
      expect(now).toBeGreaterThanOrEqual(seen);
      seen = now;
      reads++;
    });
    expect(status).toBe(0);
    expect(done).toBe(120);
    expect(reads).toBeGreaterThan(5);
    expect(readAll(reader, 5)).toHaveLength(120);
  }, 60_000);

  it('keeps a consistent catalogue when the writer is killed mid-write, and recovers its running recordings', async () => {
    const dir = tempDir();
    let committed = 0;
    await startWriter(dir, 0, 3, (m, child) => {
      if (m.committed !== undefined && ++committed === 15) child.kill('SIGKILL');
    });
    expect(existsSync(join(dir, CATALOGUE_FILE))).toBe(true);
    const after = openArchive({ dir });
    const all = readAll(after, 3);
    expect(all.length).toBeGreaterThanOrEqual(45);
    // Every recording the dead writer left running is stopped, none is left "recording".
    expect(after.recovered).toBe(all.length);
    expect(after.count({ state: ['recording', 'paused'] })).toBe(0);
    for (const r of all) expect(r.endTime).toBeDefined();
  }, 60_000);
});
