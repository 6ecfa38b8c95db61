/**
 * Opening the catalogue: the SQLite file (or `:memory:`), its settings, its migrations, and the recovery of
 * recordings that a previous process left running.
 *
 * Settings, and why:
 * - `journal_mode = WAL`: readers never block the writer nor the writer them, so a search runs while recordings are
 *   written (another connection, another process); a crash leaves the last committed state.
 * - `synchronous = NORMAL`: in WAL mode a commit survives a crash of the process (it is in the WAL file) and the
 *   catalogue can never be corrupted; only a power loss may lose the last commits. A simulator needs no more, and
 *   FULL would fsync on every recording change.
 * - `foreign_keys = ON`: metadata and reasons go with their recording (ON DELETE CASCADE).
 * - `busy_timeout`: a second process writing at the same moment waits for the lock instead of failing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeSegments, encodeSegments } from './rows.js';
import { migrate, SCHEMA_VERSION, schemaVersion } from './schema.js';
import { ArchiveError } from './types.js';

/** The catalogue's file name inside the archive directory. */
export const CATALOGUE_FILE = 'archive.sqlite';
const BUSY_TIMEOUT_MS = 5000;

export interface Connection {
  db: Database.Database;
  /** Absolute catalogue path, or undefined in memory. */
  file: string | undefined;
  readonly: boolean;
  /** Recordings found running at open and stopped (see {@link recoverInterrupted}). */
  recovered: number;
}

/**
 * Opens (creating if needed) `<dir>/archive.sqlite`, or an in-memory catalogue when `dir` is undefined.
 * @throws ArchiveError `unreadable` (the directory cannot be made, the file is not a catalogue or cannot be read),
 *   `schemaTooNew`.
 */
export function openConnection(dir: string | undefined, opts: { readonly: boolean; now: number }): Connection {
  let file: string | undefined;
  if (dir !== undefined) {
    file = join(dir, CATALOGUE_FILE);
    if (!opts.readonly) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new ArchiveError('unreadable', `cannot create ${dir}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file ?? ':memory:', { readonly: opts.readonly, fileMustExist: opts.readonly, timeout: BUSY_TIMEOUT_MS });
    // A read-only connection cannot switch the journal mode; the writer that created the file already did.
    if (!opts.readonly && file !== undefined) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    let recovered = 0;
    if (opts.readonly) {
      const version = schemaVersion(db);
      if (version > SCHEMA_VERSION) throw new ArchiveError('schemaTooNew', `catalogue version ${version}, this ccgate knows ${SCHEMA_VERSION}`);
      if (version < SCHEMA_VERSION) throw new ArchiveError('unreadable', `${file} is at schema version ${version}; open it writable once to migrate`);
    } else {
      migrate(db, opts.now);
      recovered = recoverInterrupted(db, opts.now);
    }
    return { db, file, readonly: opts.readonly, recovered };
  } catch (err) {
    db?.close();
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError('unreadable', `${file ?? ':memory:'}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Recordings still `recording` or `paused` at open were cut short by the end of the previous process: no call
 * survives a restart. Each becomes `stopped` at its last change (`updated_at`), its open segment closed there, so
 * the catalogue never shows a recording running that nothing records, and a call id reused after the restart (a
 * seed example's CallID) can be recorded again.
 * @returns how many were stopped.
 */
function recoverInterrupted(db: Database.Database, now: number): number {
  const rows = db.prepare("SELECT id, segments, updated_at FROM recording WHERE state <> 'stopped'").all() as {
    id: number;
    segments: string;
    updated_at: number;
  }[];
  if (rows.length === 0) return 0;
  const update = db.prepare("UPDATE recording SET state = 'stopped', end_time = ?, segments = ?, updated_at = ? WHERE id = ?");
  db.transaction(() => {
    for (const r of rows) {
      const segments = decodeSegments(r.segments);
      const last = segments[segments.length - 1];
      const end = Math.max(r.updated_at, last?.startMs ?? 0);
      if (last && last.endMs === undefined) last.endMs = end;
      update.run(end, encodeSegments(segments), now, r.id);
    }
  })();
  return rows.length;
}
