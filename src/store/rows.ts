/**
 * Catalogue rows ↔ RecordingRecord (and RecordingSummary, the entry without segments, metadata and reasons). One
 * SELECT returns an entry with its metadata and reasons (correlated sub-selects over their primary keys), so a page
 * of a search is one statement.
 */
import type {
  AudioFormat,
  MetadataItem,
  ReasonCode,
  RecordingAgent,
  RecordingRecord,
  RecordingSegment,
  RecordingSource,
  RecordingState,
  RecordingSummary,
  RetentionState,
} from './types.js';

/**
 * The select list of a {@link RecordingSummary}, over `recording AS r`, in the order of {@link SummaryRow}. Rows are
 * read as arrays (better-sqlite3 `raw`): building an object per row with named columns costs more than the query.
 */
export const SUMMARY_COLUMNS = `r.id, r.source, r.call_id, r.sip_call_id, r.acd_call_id, r.ani, r.dnis, r.user_id, r.user_name,
  r.first_name, r.last_name, r.extension, r.start_time, r.end_time, r.state, r.has_screen, r.retention,
  r.audio_file, r.audio_bytes, r.audio_format, r.audio_duration_ms, r.audio_written_at, r.created_at, r.updated_at`;

/** The select list of a whole entry: the summary's, then its segments, metadata and reasons (JSON arrays). */
export const ROW_COLUMNS = `${SUMMARY_COLUMNS}, r.segments,
  (SELECT json_group_array(json_array(m.key, m.value)) FROM recording_metadata m WHERE m.recording_id = r.id),
  (SELECT json_group_array(x.reason) FROM recording_reason x WHERE x.recording_id = r.id)`;

/** A row of {@link SUMMARY_COLUMNS}. */
export type SummaryRow = [
  id: number,
  source: string,
  callId: string,
  sipCallId: string | null,
  acdCallId: string | null,
  ani: string | null,
  dnis: string | null,
  userId: string | null,
  userName: string | null,
  firstName: string | null,
  lastName: string | null,
  extension: string | null,
  startTime: number,
  endTime: number | null,
  state: string,
  hasScreen: number,
  retention: string,
  audioFile: string | null,
  audioBytes: number | null,
  audioFormat: string | null,
  audioDurationMs: number | null,
  audioWrittenAt: number | null,
  createdAt: number,
  updatedAt: number,
];

/** A row of {@link ROW_COLUMNS}. */
export type RecordingRow = [...SummaryRow, segments: string, metadataJson: string, reasonsJson: string];

/** Segments are stored compactly as `[[startMs, endMs|null], …]`. */
export function encodeSegments(segments: readonly RecordingSegment[]): string {
  return JSON.stringify(segments.map((s) => [s.startMs, s.endMs ?? null]));
}

export function decodeSegments(json: string): RecordingSegment[] {
  const pairs = JSON.parse(json) as [number, number | null][];
  return pairs.map(([startMs, endMs]) => (endMs === null ? { startMs } : { startMs, endMs }));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sets `key` on `target` unless the value is SQL NULL. */
function put<T, K extends keyof T>(target: T, key: K, value: T[K] | null): void {
  if (value !== null) target[key] = value;
}

/** The optional fields of an entry (SQL NULL: absent), from the columns a summary and a whole entry share. */
function addOptional(rec: RecordingSummary, row: readonly [...SummaryRow, ...unknown[]]): void {
  // prettier-ignore
  const [
    , , , sipCallId, acdCallId, ani, dnis,
    userId, userName, firstName, lastName, extension,
    , endTime, , , ,
    audioFile, audioBytes, audioFormat, audioDurationMs, audioWrittenAt,
    , updatedAt,
  ] = row;
  put(rec, 'sipCallId', sipCallId);
  put(rec, 'acdCallId', acdCallId);
  put(rec, 'ani', ani);
  put(rec, 'dnis', dnis);
  if (userId !== null) {
    const agent: RecordingAgent = { userId };
    put(agent, 'userName', userName);
    put(agent, 'firstName', firstName);
    put(agent, 'lastName', lastName);
    put(agent, 'extension', extension);
    rec.agent = agent;
  }
  put(rec, 'endTime', endTime);
  if (audioFile !== null) {
    rec.audio = {
      file: audioFile,
      bytes: audioBytes ?? 0,
      format: audioFormat as AudioFormat,
      durationMs: audioDurationMs ?? 0,
      writtenAt: audioWrittenAt ?? updatedAt,
    };
  }
}

export function toSummary(row: SummaryRow): RecordingSummary {
  const [id, source, callId, , , , , , , , , , startTime, , state, hasScreen, retention, , , , , , createdAt, updatedAt] = row;
  const rec: RecordingSummary = {
    id,
    source: source as RecordingSource,
    callId,
    startTime,
    state: state as RecordingState,
    hasScreen: hasScreen === 1,
    retention: retention as RetentionState,
    createdAt,
    updatedAt,
  };
  addOptional(rec, row);
  return rec;
}

export function toRecord(row: RecordingRow): RecordingRecord {
  // prettier-ignore
  const [
    id, source, callId, , , , , , , , , ,
    startTime, , state, hasScreen, retention, , , , , ,
    createdAt, updatedAt, segments, metadataJson, reasonsJson,
  ] = row;
  const rec: RecordingRecord = {
    id,
    source: source as RecordingSource,
    callId,
    startTime,
    segments: decodeSegments(segments),
    state: state as RecordingState,
    reasons: (JSON.parse(reasonsJson) as ReasonCode[]).sort(byCodeUnits),
    hasScreen: hasScreen === 1,
    metadata: (JSON.parse(metadataJson) as [string, string][])
      .map(([key, value]): MetadataItem => ({ key, value }))
      .sort((a, b) => byCodeUnits(a.key, b.key)),
    retention: retention as RetentionState,
    createdAt,
    updatedAt,
  };
  addOptional(rec, row);
  return rec;
}
