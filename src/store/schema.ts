/**
 * The catalogue's SQLite schema and its migrations.
 *
 * `archive_schema` lists the migrations applied (version, when). Opening a catalogue applies every newer migration in
 * one transaction, so a catalogue is either at its old version or at the new one, never in between; a catalogue
 * written by a newer ccgate (a version this code does not know) is refused rather than guessed at.
 *
 * To change the schema, append a migration with the next version; never edit one that has shipped.
 */
import type { Database } from 'better-sqlite3';
import { ArchiveError } from './types.js';

export interface Migration {
  /** 1, 2, 3 … in order. */
  version: number;
  description: string;
  /** Runs inside the migration transaction; throwing rolls every pending migration back. */
  up(db: Database): void;
}

/**
 * Version 1. Enumerations that come from the seeds and will not grow (state, retention) are CHECKed; source, reason
 * and audio format are validated by the store's code, so adding one needs no table rebuild.
 * Every search criterion has an index (except `extension` and the flags, which filter within another index's range);
 * each ends in the rowid, so "criterion AND id > boundary ORDER BY id" is a range scan.
 */
const V1 = `
CREATE TABLE recording (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  call_id TEXT NOT NULL,
  sip_call_id TEXT,
  acd_call_id TEXT,
  ani TEXT,
  dnis TEXT,
  user_id TEXT COLLATE NOCASE,
  user_name TEXT COLLATE NOCASE,
  first_name TEXT,
  last_name TEXT,
  extension TEXT,
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  segments TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('recording', 'paused', 'stopped')),
  has_screen INTEGER NOT NULL DEFAULT 0 CHECK (has_screen IN (0, 1)),
  retention TEXT NOT NULL DEFAULT 'retained' CHECK (retention IN ('retained', 'audioDeleted', 'deleted')),
  audio_file TEXT,
  audio_bytes INTEGER,
  audio_format TEXT,
  audio_duration_ms INTEGER,
  audio_written_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX recording_by_call ON recording (call_id, source);
CREATE INDEX recording_by_sip_call ON recording (sip_call_id);
CREATE INDEX recording_by_acd_call ON recording (acd_call_id);
CREATE INDEX recording_by_ani ON recording (ani);
CREATE INDEX recording_by_dnis ON recording (dnis);
CREATE INDEX recording_by_user ON recording (user_id);
CREATE INDEX recording_by_user_start ON recording (user_id, start_time);
CREATE INDEX recording_by_user_name ON recording (user_name);
CREATE INDEX recording_by_start ON recording (start_time);
CREATE INDEX recording_by_audio_file ON recording (audio_file);
-- One active recording per call, source and agent (NULL agent counted as one agent).
CREATE UNIQUE INDEX recording_one_active ON recording (call_id, source, coalesce(user_id, '') COLLATE NOCASE)
  WHERE state <> 'stopped';

CREATE TABLE recording_metadata (
  recording_id INTEGER NOT NULL REFERENCES recording (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (recording_id, key)
) WITHOUT ROWID;
CREATE INDEX recording_metadata_by_value ON recording_metadata (key, value, recording_id);

CREATE TABLE recording_reason (
  recording_id INTEGER NOT NULL REFERENCES recording (id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  PRIMARY KEY (recording_id, reason)
) WITHOUT ROWID;
CREATE INDEX recording_reason_by_reason ON recording_reason (reason, recording_id);
`;

/**
 * Ids per zone of {@link V2}: a zone is the recordings `zone << ZONE_BITS` … `(zone << ZONE_BITS) + 255`. Written into
 * version 2's triggers: never change it (a new value needs a new migration rebuilding the zones).
 */
export const ZONE_BITS = 8;

/**
 * Version 2: the start times of each zone of 256 consecutive ids (a block range index, as PostgreSQL's BRIN), kept by
 * triggers whoever writes. A search by period wants ids in order (Cisco QM pages by ccr id) but the start-time index
 * yields them in time order, so a page of a week read them all and sorted them (7,800 at 100,000 recordings, about
 * 8 ms) and a month walked the table from its start. Walking only the zones whose [min_start, max_start] meets the
 * period, each by rowid, gives the ids in order and stops when the page is full: where ids follow start times (a
 * recording gets its id when it starts) a page reads about one zone more than its own rows. A zone only widens
 * (deleting an entry leaves it), so it always covers every entry in it.
 */
const V2 = `
CREATE TABLE recording_zone (
  zone INTEGER PRIMARY KEY,
  min_start INTEGER NOT NULL,
  max_start INTEGER NOT NULL
);
INSERT INTO recording_zone (zone, min_start, max_start)
  SELECT id >> ${ZONE_BITS}, min(start_time), max(start_time) FROM recording GROUP BY id >> ${ZONE_BITS};
CREATE TRIGGER recording_zone_insert AFTER INSERT ON recording BEGIN
  INSERT INTO recording_zone (zone, min_start, max_start) VALUES (new.id >> ${ZONE_BITS}, new.start_time, new.start_time)
    ON CONFLICT (zone) DO UPDATE SET min_start = min(min_start, excluded.min_start), max_start = max(max_start, excluded.max_start);
END;
CREATE TRIGGER recording_zone_update AFTER UPDATE OF start_time ON recording BEGIN
  INSERT INTO recording_zone (zone, min_start, max_start) VALUES (new.id >> ${ZONE_BITS}, new.start_time, new.start_time)
    ON CONFLICT (zone) DO UPDATE SET min_start = min(min_start, excluded.min_start), max_start = max(max_start, excluded.max_start);
END;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'recordings catalogue: recording, recording_metadata, recording_reason', up: (db) => db.exec(V1) },
  { version: 2, description: 'start-time zones of 256 ids (recording_zone) for searches by period in id order', up: (db) => db.exec(V2) },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The highest migration applied to `db`, 0 for a new catalogue. */
export function schemaVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_schema'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM archive_schema').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Brings `db` to the last of `migrations` (ordered 1, 2, 3 …) in one transaction.
 * @returns the versions before and after.
 * @throws ArchiveError `schemaTooNew` when the catalogue is beyond the last migration known here.
 */
export function migrate(db: Database, now: number, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i} has version ${m.version}; versions must be 1, 2, 3 …`);
  });
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS archive_schema (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const from = schemaVersion(db);
    if (from > migrations.length) {
      throw new ArchiveError('schemaTooNew', `catalogue version ${from}, this ccgate knows ${migrations.length}`);
    }
    const record = db.prepare('INSERT INTO archive_schema (version, applied_at) VALUES (?, ?)');
    for (const m of migrations.slice(from)) {
      m.up(db);
      record.run(m.version, now);
    }
    return { from, to: migrations.length };
  });
  // IMMEDIATE: take the write lock before reading the version, so two processes opening one catalogue cannot both
  // decide to apply the same migration.
  return run.immediate();
}
