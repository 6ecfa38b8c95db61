/**
 * The archive's changes, each run by RecordingArchive inside one transaction (so a throw anywhere leaves the
 * catalogue as it was). Inputs are validated here, before the first statement; values are always bound parameters.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { decodeSegments, encodeSegments } from './rows.js';
import {
  ArchiveError,
  AUDIO_FORMATS,
  MAX_METADATA_ITEMS,
  REASON_CODES,
  RECORDING_SOURCES,
  type MetadataChange,
  type NewRecording,
  type ReasonCode,
  type RecordingAudio,
  type RecordingKey,
  type RecordingPatch,
  type RecordingSource,
  type RecordingState,
  type RetentionState,
} from './types.js';
import * as v from './validate.js';

const cache = new WeakMap<Database, Map<string, Statement>>();

/** Prepared once per connection. */
function prep(db: Database, sql: string): Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/** Refuses fields the shape does not have, so a misspelt field is an error instead of silently ignored. */
function onlyKeys(field: string, obj: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new ArchiveError('invalidInput', `${field} must be an object`);
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new ArchiveError('invalidInput', `${field} has no field "${k}"`);
  }
  return obj as Record<string, unknown>;
}

function reasonList(v_: unknown): ReasonCode[] {
  if (!Array.isArray(v_)) throw new ArchiveError('invalidInput', 'reasons must be a list');
  return [...new Set(v_.map((r: unknown) => v.oneOf('reasons', REASON_CODES, r)))];
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

interface StateRow {
  state: RecordingState;
  retention: RetentionState;
  segments: string;
  audio_file: string | null;
  source: RecordingSource;
  call_id: string;
  user_id: string | null;
}

function stateOf(db: Database, id: number): StateRow {
  const row = prep(db, 'SELECT state, retention, segments, audio_file, source, call_id, user_id FROM recording WHERE id = ?').get(id) as StateRow | undefined;
  if (!row) throw new ArchiveError('unknownRecording', String(id));
  return row;
}

function keyOf(id: number, row: StateRow): RecordingKey {
  return row.user_id === null ? { id, source: row.source, callId: row.call_id } : { id, source: row.source, callId: row.call_id, userId: row.user_id };
}

function touch(db: Database, id: number, now: number): void {
  prep(db, 'UPDATE recording SET updated_at = ? WHERE id = ?').run(now, id);
}

const NEW_FIELDS = ['source', 'callId', 'sipCallId', 'acdCallId', 'ani', 'dnis', 'agent', 'startTime', 'reasons', 'hasScreen', 'metadata'];

/** Inserts a new entry; @returns its id. */
export function create(db: Database, input: NewRecording, now: number): number {
  const i = onlyKeys('recording', input, NEW_FIELDS);
  const source = v.oneOf('source', RECORDING_SOURCES, i['source']);
  const callId = v.text('callId', i['callId']);
  const startTime = v.time('startTime', i['startTime']);
  const agent = i['agent'] === undefined ? undefined : v.agent('agent', i['agent']);
  const reasons = i['reasons'] === undefined ? [] : reasonList(i['reasons']);
  const metadata = i['metadata'] === undefined ? [] : v.metadataItems('metadata', i['metadata']);
  if (metadata.length > MAX_METADATA_ITEMS) throw new ArchiveError('tooManyMetadata', `${metadata.length} given`);
  const hasScreen = i['hasScreen'] === undefined ? false : v.flag('hasScreen', i['hasScreen']);
  let id: number;
  try {
    const result = prep(
      db,
      `INSERT INTO recording (source, call_id, sip_call_id, acd_call_id, ani, dnis, user_id, user_name, first_name, last_name,
         extension, start_time, segments, state, has_screen, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording', ?, ?, ?)`,
    ).run(
      source,
      callId,
      v.optionalText('sipCallId', i['sipCallId']) ?? null,
      v.optionalText('acdCallId', i['acdCallId']) ?? null,
      v.optionalText('ani', i['ani']) ?? null,
      v.optionalText('dnis', i['dnis']) ?? null,
      agent?.userId ?? null,
      agent?.userName ?? null,
      agent?.firstName ?? null,
      agent?.lastName ?? null,
      agent?.extension ?? null,
      startTime,
      encodeSegments([{ startMs: startTime }]),
      hasScreen ? 1 : 0,
      now,
      now,
    );
    id = Number(result.lastInsertRowid);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new ArchiveError('alreadyRecording', `call ${callId}, source ${source}${agent ? `, agent ${agent.userId}` : ''}`);
  }
  const addReason = prep(db, 'INSERT INTO recording_reason (recording_id, reason) VALUES (?, ?)');
  for (const r of reasons) addReason.run(id, r);
  const addItem = prep(db, 'INSERT INTO recording_metadata (recording_id, key, value) VALUES (?, ?, ?)');
  for (const m of metadata) addItem.run(id, m.key, m.value);
  return id;
}

const PATCH_COLUMNS = [
  ['sipCallId', 'sip_call_id'],
  ['acdCallId', 'acd_call_id'],
  ['ani', 'ani'],
  ['dnis', 'dnis'],
] as const;
const AGENT_COLUMNS = [
  ['userId', 'user_id'],
  ['userName', 'user_name'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['extension', 'extension'],
] as const;

export function update(db: Database, id: number, patch: RecordingPatch, now: number): void {
  const p = onlyKeys('patch', patch, [...PATCH_COLUMNS.map(([k]) => k), 'agent', 'hasScreen']);
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [key, col] of PATCH_COLUMNS) {
    if (p[key] === undefined) continue;
    sets.push(`${col} = ?`);
    params.push(p[key] === null ? null : v.text(key, p[key]));
  }
  if (p['agent'] !== undefined) {
    const a = p['agent'] === null ? undefined : v.agent('agent', p['agent']);
    for (const [key, col] of AGENT_COLUMNS) {
      sets.push(`${col} = ?`);
      params.push(a?.[key] ?? null);
    }
  }
  if (p['hasScreen'] !== undefined) {
    sets.push('has_screen = ?');
    params.push(v.flag('hasScreen', p['hasScreen']) ? 1 : 0);
  }
  stateOf(db, id);
  sets.push('updated_at = ?');
  try {
    prep(db, `UPDATE recording SET ${sets.join(', ')} WHERE id = ?`).run(...params, now, id);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new ArchiveError('alreadyRecording', `recording ${id}: that agent's recording of this call by this source is active`);
  }
}

/**
 * pause / resume / stop at `at` (clamped so a segment never ends before it starts, whatever the caller's clock did).
 * @returns whether the state changed.
 */
export function transition(db: Database, id: number, at: number, op: 'pause' | 'resume' | 'stop', now: number): boolean {
  const row = stateOf(db, id);
  const segments = decodeSegments(row.segments);
  const last = segments[segments.length - 1];
  const floor = last ? Math.max(last.startMs, last.endMs ?? 0) : 0;
  const t = Math.max(at, floor);
  let state: RecordingState;
  if (op === 'pause' && row.state === 'recording') state = 'paused';
  else if (op === 'resume' && row.state === 'paused') state = 'recording';
  else if (op === 'stop' && row.state !== 'stopped') state = 'stopped';
  else return false;
  if (last && last.endMs === undefined) last.endMs = t;
  if (op === 'resume') segments.push({ startMs: t });
  const endTime = state === 'stopped' ? t : null;
  prep(db, 'UPDATE recording SET state = ?, segments = ?, end_time = ?, updated_at = ? WHERE id = ?').run(
    state,
    encodeSegments(segments),
    endTime,
    now,
    id,
  );
  return true;
}

function requireRetained(row: StateRow, id: number): void {
  if (row.retention !== 'retained') throw new ArchiveError('recordingDeleted', String(id));
}

/** @returns whether a reason was new, and whose the entry is. */
export function addReasons(db: Database, id: number, reasons: readonly ReasonCode[], now: number): { key: RecordingKey; changed: boolean } {
  const list = reasonList(reasons);
  const row = stateOf(db, id);
  requireRetained(row, id);
  const add = prep(db, 'INSERT OR IGNORE INTO recording_reason (recording_id, reason) VALUES (?, ?)');
  let changed = false;
  for (const r of list) changed = add.run(id, r).changes > 0 || changed;
  if (changed) touch(db, id, now);
  return { key: keyOf(id, row), changed };
}

/** @returns whose the entry is. */
export function setMetadata(db: Database, id: number, changes: readonly MetadataChange[], now: number): RecordingKey {
  const list = v.metadataChanges('metadata', changes, true);
  const row = stateOf(db, id);
  requireRetained(row, id);
  const put = prep(
    db,
    'INSERT INTO recording_metadata (recording_id, key, value) VALUES (?, ?, ?) ON CONFLICT (recording_id, key) DO UPDATE SET value = excluded.value',
  );
  const drop = prep(db, 'DELETE FROM recording_metadata WHERE recording_id = ? AND key = ?');
  for (const c of list) {
    if (c.value === null) drop.run(id, c.key);
    else put.run(id, c.key, c.value);
  }
  const { n } = prep(db, 'SELECT count(*) AS n FROM recording_metadata WHERE recording_id = ?').get(id) as { n: number };
  // Thrown inside the transaction: every change above is rolled back.
  if (n > MAX_METADATA_ITEMS) throw new ArchiveError('tooManyMetadata', `recording ${id} would hold ${n}`);
  touch(db, id, now);
  return keyOf(id, row);
}

/** Validates an audio registration; the file must exist in `dir`. */
export function checkAudio(dir: string, audio: unknown): RecordingAudio {
  const a = onlyKeys('audio', audio, ['file', 'bytes', 'format', 'durationMs', 'writtenAt']);
  const out: RecordingAudio = {
    file: v.audioFile('audio.file', a['file']),
    bytes: v.count('audio.bytes', a['bytes']),
    format: v.oneOf('audio.format', AUDIO_FORMATS, a['format']),
    durationMs: v.count('audio.durationMs', a['durationMs']),
    writtenAt: v.time('audio.writtenAt', a['writtenAt']),
  };
  let isFile = false;
  try {
    isFile = statSync(join(dir, out.file)).isFile();
  } catch {
    // missing: reported below
  }
  if (!isFile) throw new ArchiveError('invalidInput', `audio.file ${out.file} does not exist in the archive directory`);
  return out;
}

/**
 * @returns `kept` false when the entry is gone or its audio was deleted (the caller removes the file); `previous`
 *   an earlier, different file the entry listed (the caller removes it).
 */
export function attachAudio(db: Database, id: number, a: RecordingAudio, now: number): { kept: boolean; previous?: string } {
  const row = prep(db, 'SELECT retention, audio_file FROM recording WHERE id = ?').get(id) as
    | { retention: RetentionState; audio_file: string | null }
    | undefined;
  if (!row || row.retention !== 'retained') return { kept: false };
  prep(
    db,
    `UPDATE recording SET audio_file = ?, audio_bytes = ?, audio_format = ?, audio_duration_ms = ?, audio_written_at = ?,
       updated_at = ? WHERE id = ?`,
  ).run(a.file, a.bytes, a.format, a.durationMs, a.writtenAt, now, id);
  return row.audio_file !== null && row.audio_file !== a.file ? { kept: true, previous: row.audio_file } : { kept: true };
}

/** @returns the audio file the entry listed, if any (the caller removes it after the commit). */
export function deleteAudio(db: Database, id: number, retention: 'audioDeleted' | 'deleted', now: number): string | undefined {
  const row = stateOf(db, id);
  // `deleted` is final: a later Server API delete does not make a contact the agent deleted viewable again.
  const next = row.retention === 'deleted' ? 'deleted' : retention;
  prep(db, 'DELETE FROM recording_metadata WHERE recording_id = ?').run(id);
  prep(
    db,
    `UPDATE recording SET retention = ?, audio_file = NULL, audio_bytes = NULL, audio_format = NULL,
       audio_duration_ms = NULL, audio_written_at = NULL, updated_at = ? WHERE id = ?`,
  ).run(next, now, id);
  return row.audio_file ?? undefined;
}

/** @returns the removed entry's audio file (the caller removes it), or undefined when there was no entry. */
export function remove(db: Database, id: number): { file?: string } | undefined {
  const row = prep(db, 'SELECT audio_file FROM recording WHERE id = ?').get(id) as { audio_file: string | null } | undefined;
  if (!row) return undefined;
  prep(db, 'DELETE FROM recording WHERE id = ?').run(id);
  return row.audio_file === null ? {} : { file: row.audio_file };
}
