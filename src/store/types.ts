/**
 * The recordings archive's public shapes: what a catalogue entry holds, what a search asks, and the typed errors.
 *
 * One entry is one recording made by one source of one call (several per call: QMI BCM recording, Cisco QM policy,
 * agent tag, control API). Cisco QM calls an entry a contact record ("ccr", seed 001, Server API "search") and ICI a
 * CallRecording (seed 002 §10.7); both read these fields. Times are integer milliseconds since the Unix epoch (UTC).
 */

/** Who made a recording. One active (recording or paused) entry per call, source and agent at a time. */
export const RECORDING_SOURCES = ['qmi', 'ciscoqm', 'tag', 'api'] as const;
/**
 * - `qmi`: QMI `QMIBCMRecordingStart` (seed 000 §4.4.1); QMI's `BcmRecordingEn` reflects only these.
 * - `ciscoqm`: Cisco QM recording policy (workflow) applied when the call was answered (seed 001).
 * - `tag`: an agent tagged a call that was not being recorded (seed 001 "Tag Command": "recording is started").
 * - `api`: the operator's control API.
 */
export type RecordingSource = (typeof RECORDING_SOURCES)[number];

/** `recording` → `paused` ⇄ `recording` → `stopped` (final). */
export const RECORDING_STATES = ['recording', 'paused', 'stopped'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

/**
 * What is kept of a recording.
 * - `retained`: audio, metadata and the record.
 * - `audioDeleted`: the audio file and the metadata are gone, the record stays and is still found by a search
 *   (Cisco QM Server API `deleteRecording`, which "behaves exactly the same as … DB Cleaner": the contact remains
 *   with `hasAudio` false).
 * - `deleted`: deleted by the agent (Cisco QM Recording API `delete`: "the recorded files and any metadata will be
 *   deleted, but the basic contact data will still be uploaded … to maintain accurate call counts"; "not viewable in
 *   QM Desktop"). The record stays; callers that show contacts leave these out of their searches.
 * Neither deleted state can go back to `retained`; `deleted` is final.
 */
export const RETENTION_STATES = ['retained', 'audioDeleted', 'deleted'] as const;
export type RetentionState = (typeof RETENTION_STATES)[number];

/**
 * Why a recording is kept (Cisco QM reason codes, seed 001): `workflow` (a recording policy matched), `agentTagged`
 * (the Tag or Restart command), `archive` (archiving: every call kept), `requested` (started by an explicit request:
 * QMI, control API).
 */
export const REASON_CODES = ['workflow', 'agentTagged', 'archive', 'requested'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The audio encodings of the archive's files: RIFF/WAVE, 8 kHz mono, 16-bit linear PCM or G.711 μ-law. */
export const AUDIO_FORMATS = ['pcm16', 'mulaw'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** Cisco QM: "A maximum of 10 metadata items can be associated with a call" (seed 001, Metadata Command). */
export const MAX_METADATA_ITEMS = 10;
/** Longest metadata key and value (characters) the store accepts; formats are the callers' (seed 001 §Metadata). */
export const MAX_METADATA_KEY_LENGTH = 64;
export const MAX_METADATA_VALUE_LENGTH = 1024;
/** Longest identifier, number or name (characters). */
export const MAX_TEXT_LENGTH = 256;
/** Most metadata criteria in one search (more can never match: an entry has at most ten items). */
export const MAX_METADATA_CRITERIA = 20;
/** Page size when a search names none, and the largest one allowed. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 10_000;

/** The agent whose call was recorded (Cisco QM ccr `agentId`, `username`, `firstName`, `lastName`). */
export interface RecordingAgent {
  /** The core's userId (Cisco QM `sender_id`/`agentId`, ICI `userId`); compared case-insensitively. */
  userId: string;
  /** Login name (ccr `username`); compared case-insensitively. */
  userName?: string;
  firstName?: string;
  lastName?: string;
  /** The agent's extension (device number) on this call. */
  extension?: string;
}

/** An active (not paused) interval of the recording, in ms since the epoch; `endMs` absent while it is open. */
export interface RecordingSegment {
  startMs: number;
  endMs?: number;
}

/** One metadata item (Cisco QM metadata `key`/`data`). An empty `value` is kept: seed 001 "key=" zeros the value. */
export interface MetadataItem {
  key: string;
  value: string;
}

/** A change to one metadata item: a string sets it ('' included), `null` removes the key. */
export interface MetadataChange {
  key: string;
  value: string | null;
}

/** The audio file of a recording, in the archive's directory. */
export interface RecordingAudio {
  /** Path relative to the archive's directory (`<dataDir>/recordings`), e.g. `42.wav`; never absolute, never `..`. */
  file: string;
  /** File size in bytes. */
  bytes: number;
  format: AudioFormat;
  /** Recorded (audible) duration in ms: the sum of the segments. */
  durationMs: number;
  /** When the file was written (ICI CallRecording `creationTime`, "when this recording was saved"). */
  writtenAt: number;
}

/** One catalogue entry, as every read returns it (a snapshot: changing it changes nothing in the archive). */
export interface RecordingRecord {
  /** Ordered id: a positive integer, increasing with creation, never reused (Cisco QM ccr `id`). */
  id: number;
  source: RecordingSource;
  /** The core's call id (a GUID; ICI `callHandle` is it without dashes). */
  callId: string;
  sipCallId?: string;
  /** The ACD's call id (Cisco QM ccr `acdCallId`). */
  acdCallId?: string;
  /** Calling number (ccr `ANI`, ICI `source`). */
  ani?: string;
  /** Called number (ccr `DNIS`, ICI `destination`). */
  dnis?: string;
  agent?: RecordingAgent;
  /** When recording started (ccr `startTime`). */
  startTime: number;
  /** When it stopped; absent until then. */
  endTime?: number;
  /** Active intervals in order; pauses are the gaps. The last one is open while `state` is `recording`. */
  segments: RecordingSegment[];
  state: RecordingState;
  /** Sorted, each once. */
  reasons: ReasonCode[];
  /** Whether a screen recording goes with the audio (ccr `hasScreen`). */
  hasScreen: boolean;
  /** At most {@link MAX_METADATA_ITEMS}, sorted by key (binary order). Always empty once the audio is deleted. */
  metadata: MetadataItem[];
  retention: RetentionState;
  /** Absent until the file is written, and again once it is deleted (ccr `hasAudio` is whether this is present). */
  audio?: RecordingAudio;
  /** When the entry was created and last changed. */
  createdAt: number;
  updatedAt: number;
}

/**
 * An entry as a list of contacts shows it (Cisco QM's ccr): the record without its segments, reasons and metadata,
 * which cost more to read than all the rest ({@link RecordingArchive.searchSummaries}).
 */
export type RecordingSummary = Omit<RecordingRecord, 'segments' | 'reasons' | 'metadata'>;

/**
 * What {@link RecordingArchive.create} takes: the call's fields as {@link RecordingRecord} has them (`startTime` is
 * where the first segment opens), and optionally its first reasons, screen flag and metadata.
 */
export interface NewRecording
  extends Pick<RecordingRecord, 'source' | 'callId' | 'sipCallId' | 'acdCallId' | 'ani' | 'dnis' | 'agent' | 'startTime'> {
  reasons?: ReasonCode[];
  hasScreen?: boolean;
  /** At most {@link MAX_METADATA_ITEMS} items, distinct keys. */
  metadata?: MetadataItem[];
}

/**
 * What {@link RecordingArchive.update} may change: the call's descriptive fields, learnt after the recording began.
 * A field given as `null` is cleared; an absent field is left alone. `agent` replaces the whole agent.
 */
export interface RecordingPatch {
  sipCallId?: string | null;
  acdCallId?: string | null;
  ani?: string | null;
  dnis?: string | null;
  agent?: RecordingAgent | null;
  hasScreen?: boolean;
}

/** One value or any of several. */
export type OneOrMany<T> = T | readonly T[];

/**
 * Search criteria, all ANDed; an absent criterion matches everything. Text compares exactly, except `userId` and
 * `userName` (case-insensitive). Results are ordered by id.
 */
export interface RecordingQuery {
  callId?: string;
  sipCallId?: string;
  acdCallId?: string;
  ani?: string;
  dnis?: string;
  /** Agent userId, or any of several (a supervisor's team). */
  userId?: OneOrMany<string>;
  userName?: string;
  extension?: string;
  source?: OneOrMany<RecordingSource>;
  state?: OneOrMany<RecordingState>;
  retention?: OneOrMany<RetentionState>;
  /** Entries that carry this reason code. */
  reason?: ReasonCode;
  hasScreen?: boolean;
  /** Whether an audio file is present. */
  hasAudio?: boolean;
  /** Exact relative audio path (ICI `fileName`/`filePath`). */
  audioFile?: string;
  /** Start time at or after this (ms, inclusive). Cisco QM `after`, ICI `dateTimeFrom`. */
  startFrom?: number;
  /** Start time before this (ms, exclusive). Cisco QM `before`, ICI `dateTimeTo`. */
  startBefore?: number;
  /** Every pair must be present with exactly this value (Cisco QM repeated `metadata`, ANDed). */
  metadata?: readonly MetadataItem[];
}

/** Paging: one page of a search. */
export interface PageRequest {
  /** Continue after this id in the order of the search (Cisco QM `truncationBoundaryId`). */
  afterId?: number;
  /** Page size, 1 … {@link MAX_PAGE_SIZE}; default {@link DEFAULT_PAGE_SIZE}. */
  limit?: number;
  /** `asc` (default, oldest first, as Cisco QM pages) or `desc` (newest first). */
  order?: 'asc' | 'desc';
}

export interface RecordingPage<T extends RecordingSummary = RecordingRecord> {
  recordings: T[];
  /**
   * Present only when more entries match: the id of the last entry of this page, to pass as `afterId` for the next
   * page (Cisco QM: "truncationBoundaryId … the last ccr id in the returned results"; absent means no more results).
   */
  nextAfterId?: number;
}

/**
 * Whose an entry is, without the rest of it: what an event about a change names. Answered by the changes that do not
 * read the entry back ({@link RecordingArchive.applyMetadata}, {@link RecordingArchive.applyReasons}).
 */
export interface RecordingKey {
  id: number;
  source: RecordingSource;
  callId: string;
  /** The agent's userId, when the entry has an agent. */
  userId?: string;
}

/** The result of a state change: the entry after it, and whether anything changed (false: already in that state). */
export interface RecordingChange {
  recording: RecordingRecord;
  changed: boolean;
}

export const ARCHIVE_ERRORS = {
  invalidInput: 'A parameter is missing or invalid',
  unknownRecording: 'No such recording',
  alreadyRecording: 'This source already records this call for this agent',
  tooManyMetadata: `A recording holds at most ${MAX_METADATA_ITEMS} metadata items`,
  recordingDeleted: 'The recording has been deleted',
  noAudioDir: 'This archive has no directory for audio files',
  closed: 'The archive is closed',
  readOnly: 'The archive is open read-only',
  schemaTooNew: 'The catalogue was written by a newer ccgate',
  unreadable: 'The catalogue cannot be opened',
} as const satisfies Record<string, string>;

export type ArchiveErrorCode = keyof typeof ARCHIVE_ERRORS;

/** Every failure of the archive: a stable `code` from {@link ARCHIVE_ERRORS} and a message naming the detail. */
export class ArchiveError extends Error {
  readonly code: ArchiveErrorCode;

  constructor(code: ArchiveErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${ARCHIVE_ERRORS[code]}: ${detail}` : ARCHIVE_ERRORS[code], options);
    this.name = 'ArchiveError';
    this.code = code;
  }
}

export function isArchiveError(e: unknown): e is ArchiveError {
  return e instanceof ArchiveError;
}
