/**
 * The recordings archive: a catalogue of every recording of every source (QMI BCM recording, Cisco QM policy, agent
 * tag, control API) in SQLite, with the audio files beside it. Protocol-free: Cisco QM reads it as contact records
 * (seed 001 Server API), ICI through getCallRecordings (seed 002 §9.1.5), QMI for its own recording's state.
 *
 * Layout: `<dir>/archive.sqlite` (plus SQLite's `-wal` and `-shm` files while open) and the audio files, named by
 * {@link RecordingArchive.audioTarget} (`<dir>/<id>.wav`). In memory (`{ memory: true }`) nothing is written to disk
 * unless an `audioDir` is given for the audio files.
 *
 * All calls are synchronous (better-sqlite3) and each change is one transaction: it happens entirely or not at all,
 * also across a crash. Errors are ArchiveError with a stable `code`. Times are ms since the epoch.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database, Statement, Transaction } from 'better-sqlite3';
import { openConnection } from './connection.js';
import { criteria, paging } from './query.js';
import { Reader } from './reader.js';
import { ROW_COLUMNS, SUMMARY_COLUMNS, toRecord, toSummary, type RecordingRow, type SummaryRow } from './rows.js';
import * as mutate from './mutations.js';
import {
  ArchiveError,
  type AudioFormat,
  type MetadataChange,
  type NewRecording,
  type PageRequest,
  type ReasonCode,
  type RecordingAudio,
  type RecordingChange,
  type RecordingKey,
  type RecordingPage,
  type RecordingPatch,
  type RecordingQuery,
  type RecordingRecord,
  type RecordingSource,
  type RecordingSummary,
} from './types.js';
import * as v from './validate.js';

/**
 * `now`: the clock for `createdAt`/`updatedAt` (ms since the epoch; default `Date.now`), so the core can pass its
 * injectable clock. Recording times (`startTime`, `at`) are always the caller's.
 */
export type ArchiveOptions =
  /**
   * A catalogue on disk: `<dir>/archive.sqlite`, audio files in `dir` (created if missing). `readonly`: another
   * process's catalogue, for reading while it writes (must exist; every change throws `readOnly`).
   */
  | { dir: string; readonly?: boolean; now?: () => number }
  /** A catalogue in memory (fast core tests); audio files, if any, in `audioDir`. */
  | { memory: true; audioDir?: string; now?: () => number };

export class RecordingArchive {
  /** Absolute path of the catalogue file; undefined in memory. */
  readonly file: string | undefined;
  /** Directory of the audio files; undefined in memory without `audioDir`. */
  readonly audioDir: string | undefined;
  readonly readonly: boolean;
  /** Recordings found `recording`/`paused` at open (left by a process that ended) and stopped then. */
  readonly recovered: number;
  private readonly db: Database;
  private readonly now: () => number;
  private readonly reader: Reader;
  /**
   * Runs a function in a transaction (`.deferred` to read, `.immediate` to write; a savepoint inside another).
   * Made once: better-sqlite3's `db.transaction()` builds four wrappers each time it is called, which cost more than
   * the statements of a small change (a Recording API command is a few of them).
   */
  private readonly tx: Transaction<(fn: () => unknown) => unknown>;
  /** The entry by id (every read and every change ends with it): prepared once, not looked up in the cache. */
  private readonly byId: Statement;
  private readonly exists: Statement;
  private closed = false;
  /** Audio files to remove when the current batch commits. */
  private pendingUnlinks: string[] | undefined;

  private constructor(opts: ArchiveOptions) {
    this.now = opts.now ?? Date.now;
    const dir = 'dir' in opts ? resolve(opts.dir) : undefined;
    this.readonly = 'dir' in opts ? opts.readonly === true : false;
    const conn = openConnection(dir, { readonly: this.readonly, now: this.now() });
    this.db = conn.db;
    this.file = conn.file;
    this.recovered = conn.recovered;
    this.tx = this.db.transaction((fn: () => unknown) => fn());
    this.reader = new Reader(this.db);
    this.byId = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM recording r WHERE r.id = ?`).raw(true);
    this.exists = this.db.prepare('SELECT 1 FROM recording WHERE id = ?');
    this.audioDir = dir ?? ('audioDir' in opts ? opts.audioDir : undefined);
  }

  /**
   * Opens the archive (creating the directory and the catalogue, and migrating an older catalogue, unless `readonly`).
   * @throws ArchiveError `unreadable` (cannot create the directory, not a catalogue, read-only and missing),
   *   `schemaTooNew` (written by a newer ccgate).
   */
  static open(opts: ArchiveOptions): RecordingArchive {
    return new RecordingArchive(opts);
  }

  // ------------------------------------------------------------ reads

  /** The entry, or undefined when there is none with this id. */
  get(id: number): RecordingRecord | undefined {
    this.open();
    const row = this.byId.get(v.recordingId(id)) as RecordingRow | undefined;
    return row && toRecord(row);
  }

  /**
   * One page of the entries matching every criterion, in id order (`afterId` continues after a boundary).
   * Reads only: safe to call at any rate, from any number of connections, while another writes.
   * @throws ArchiveError `invalidInput` (unknown criterion, bad value, page size outside 1 … 10,000).
   */
  search(query: RecordingQuery = {}, page?: PageRequest): RecordingPage {
    const [c, p] = [criteria(query), paging(page)];
    // One read transaction: the page's ids and their rows come from the same snapshot, whatever another writes.
    return this.read(() => this.reader.page(c, p, ROW_COLUMNS, (rows) => (rows as RecordingRow[]).map(toRecord)));
  }

  /**
   * {@link search} answering each entry without its segments, reasons and metadata (a list of contacts: Cisco QM's
   * search), which cost more to read than the rest. Same criteria, paging and errors.
   */
  searchSummaries(query: RecordingQuery = {}, page?: PageRequest): RecordingPage<RecordingSummary> {
    const [c, p] = [criteria(query), paging(page)];
    return this.read(() => this.reader.page(c, p, SUMMARY_COLUMNS, (rows) => (rows as SummaryRow[]).map(toSummary)));
  }

  /**
   * How SQLite walks the ids of a search's page (EXPLAIN QUERY PLAN, one step a line: which index or zone walk drives
   * it, whether anything is sorted), after the planner's bounded counts. For tests and diagnosis.
   * @throws ArchiveError `invalidInput` as {@link search}.
   */
  explain(query: RecordingQuery = {}, page?: PageRequest): string[] {
    const [c, p] = [criteria(query), paging(page)];
    return this.read(() => this.reader.explain(c, p));
  }

  /** How many entries match (the same criteria as {@link search}). */
  count(query: RecordingQuery = {}): number {
    const c = criteria(query);
    return this.read(() => this.reader.count(c));
  }

  /** The call's recordings that are `recording` or `paused`, of one source or all, in id order. */
  active(callId: string, source?: RecordingSource): RecordingRecord[] {
    const query: RecordingQuery = { callId, state: ['recording', 'paused'] };
    if (source !== undefined) query.source = source;
    return this.search(query, { limit: 1000 }).recordings;
  }

  /** Absolute path of the entry's audio file, or undefined when it has none (not written yet, deleted, unknown id). */
  audioPath(id: number): string | undefined {
    const rec = this.get(id);
    return rec?.audio && this.audioDir !== undefined ? join(this.audioDir, rec.audio.file) : undefined;
  }

  /**
   * Where to write the entry's audio file: `file` (relative, for {@link attachAudio}) and `path` (absolute).
   * @throws ArchiveError `noAudioDir` (in memory without `audioDir`), `unknownRecording`.
   */
  audioTarget(id: number, extension = 'wav'): { file: string; path: string } {
    const dir = this.requireAudioDir();
    this.require(id);
    if (!/^[A-Za-z0-9]{1,8}$/.test(extension)) throw new ArchiveError('invalidInput', 'extension must be 1 to 8 letters or digits');
    const file = `${id}.${extension}`;
    return { file, path: join(dir, file) };
  }

  // ------------------------------------------------------------ changes

  /**
   * A new entry, `recording` from `startTime` (its first segment opens there), retention `retained`.
   * @returns the entry with its new id (greater than every id before it).
   * @throws ArchiveError `invalidInput`, `tooManyMetadata`, `alreadyRecording` (this source already has an active
   *   recording of this call for this agent; stop it first).
   */
  create(input: NewRecording): RecordingRecord {
    return this.write(() => this.get(mutate.create(this.db, input, this.now()))!);
  }

  /**
   * Changes the call's descriptive fields (`null` clears one).
   * @throws ArchiveError `invalidInput`, `unknownRecording`.
   */
  update(id: number, patch: RecordingPatch): RecordingRecord {
    return this.write(() => {
      mutate.update(this.db, v.recordingId(id), patch, this.now());
      return this.get(id)!;
    });
  }

  /** `recording` → `paused`, closing the open segment at `at` (ms). No change in any other state (seed 001 Pause). */
  pause(id: number, at: number): RecordingChange {
    return this.transition(id, at, 'pause');
  }

  /** `paused` → `recording`, a new segment opening at `at`. No change in any other state (seed 001 Resume). */
  resume(id: number, at: number): RecordingChange {
    return this.transition(id, at, 'resume');
  }

  /**
   * `recording` or `paused` → `stopped` at `at`: the open segment closes, `endTime` is set. A paused recording ends
   * with its pause (seed 001: "the point at which a recording is paused is the end of the audio recording"), though
   * `endTime` is still `at`. No change when already stopped.
   */
  stop(id: number, at: number): RecordingChange {
    return this.transition(id, at, 'stop');
  }

  /**
   * Adds reason codes (e.g. `agentTagged` for seed 001 Tag/Restart); `changed` is false when all were there.
   * @throws ArchiveError `unknownRecording`, `recordingDeleted` (seed 001: after Delete, Tag has no effect).
   */
  addReasons(id: number, reasons: readonly ReasonCode[]): RecordingChange {
    return this.write(() => ({ changed: this.applyReasons(id, reasons).changed, recording: this.get(id)! }));
  }

  /**
   * {@link addReasons} without reading the entry back (a whole entry costs more to read than the change to make):
   * for a caller that needs only to know whose entry it is, as the core does for its event at the rate of Recording
   * API commands (issue 11: 20,000 a second). Same errors.
   */
  applyReasons(id: number, reasons: readonly ReasonCode[]): { key: RecordingKey; changed: boolean } {
    return this.write(() => mutate.addReasons(this.db, v.recordingId(id), reasons, this.now()));
  }

  /**
   * Sets (`value` a string, '' included) or removes (`value` null) metadata items, all or none.
   * Keys are compared exactly; the caller checks formats and which keys exist (seed 001 §Metadata, Server API
   * editMetadata states).
   * @throws ArchiveError `tooManyMetadata` (the result would hold more than 10 items; nothing changes),
   *   `invalidInput` (repeated key, sizes), `unknownRecording`, `recordingDeleted`.
   */
  setMetadata(id: number, changes: readonly MetadataChange[]): RecordingRecord {
    return this.write(() => {
      this.applyMetadata(id, changes);
      return this.get(id)!;
    });
  }

  /** {@link setMetadata} without reading the entry back (see {@link applyReasons}). Same errors. */
  applyMetadata(id: number, changes: readonly MetadataChange[]): RecordingKey {
    return this.write(() => mutate.setMetadata(this.db, v.recordingId(id), changes, this.now()));
  }

  /**
   * Registers the entry's audio file, written at {@link audioTarget}. If the entry's audio was deleted meanwhile
   * (seed 001 Delete during the call) or the entry was removed, the file is removed instead: nothing recorded after
   * a delete survives. A different file the entry listed before is removed (one file per entry).
   * @returns `kept` true when registered; `recording` the entry (absent when removed).
   * @throws ArchiveError `invalidInput` (bad path, file missing), `noAudioDir`.
   */
  attachAudio(
    id: number,
    audio: { file: string; bytes: number; format: AudioFormat; durationMs: number; writtenAt: number },
  ): { kept: boolean; recording?: RecordingRecord } {
    const dir = this.requireAudioDir();
    const a: RecordingAudio = mutate.checkAudio(dir, audio);
    const { kept, previous } = this.write(() => mutate.attachAudio(this.db, v.recordingId(id), a, this.now()));
    if (!kept) this.unlink(a.file);
    if (previous !== undefined) this.unlink(previous);
    const recording = this.get(id);
    return recording ? { kept, recording } : { kept };
  }

  /**
   * Deletes the audio file and the metadata and keeps the entry with `retention` (seed 001: "files and metadata go,
   * the contact record stays"): `audioDeleted` for the Server API deleteRecording, `deleted` for the Recording API
   * Delete. An audio file written later is removed on arrival (see {@link attachAudio}).
   * @returns `fileDeleted`: whether an audio file existed and was removed (seed 001 deleteRecording: false when
   *   "already deleted or never existed").
   * @throws ArchiveError `unknownRecording`, `invalidInput`.
   */
  deleteAudio(id: number, retention: 'audioDeleted' | 'deleted' = 'audioDeleted'): { recording: RecordingRecord; fileDeleted: boolean } {
    const state = v.oneOf('retention', ['audioDeleted', 'deleted'] as const, retention);
    const file = this.write(() => mutate.deleteAudio(this.db, v.recordingId(id), state, this.now()));
    // The catalogue commits first, then the file goes: a crash in between leaves an unlisted file, never a listed
    // missing one.
    const fileDeleted = file !== undefined && this.unlink(file);
    return { recording: this.get(id)!, fileDeleted };
  }

  /**
   * Removes the entry entirely (record, metadata, reasons, audio file). For a recording that is discarded rather
   * than kept: Cisco QM Restart ("deletes that recording, and starts recording … again") and a policy recording whose
   * call does not meet the workflow. Use {@link deleteAudio} where the contact record must stay.
   * @returns false when there was no such entry.
   */
  remove(id: number): boolean {
    const removed = this.write(() => mutate.remove(this.db, v.recordingId(id)));
    if (removed?.file !== undefined) this.unlink(removed.file);
    return removed !== undefined;
  }

  /**
   * Runs `fn`, whose archive calls all commit together or, if it throws, not at all (the throw propagates).
   * Audio files that `fn` deletes are removed after the commit. Batches nest. For several changes that belong
   * together (a recording and its first metadata) and for bulk loads (one commit per thousand entries instead of one
   * per entry).
   */
  batch<T>(fn: () => T): T {
    if (this.pendingUnlinks) return this.write(fn);
    this.pendingUnlinks = [];
    let committed = false;
    try {
      const result = this.write(fn);
      committed = true;
      return result;
    } finally {
      const paths = this.pendingUnlinks;
      this.pendingUnlinks = undefined;
      if (committed) for (const p of paths) rmSync(p, { force: true });
    }
  }

  /**
   * Closes the catalogue (SQLite folds the WAL into the file). Idempotent; every later call throws `closed`.
   * No planner statistics are kept: planner.ts pins every search's plan.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  // ------------------------------------------------------------ internals

  private transition(id: number, at: number, op: 'pause' | 'resume' | 'stop'): RecordingChange {
    return this.write(() => {
      const changed = mutate.transition(this.db, v.recordingId(id), v.time('at', at), op, this.now());
      return { recording: this.get(id)!, changed };
    });
  }

  /**
   * Runs `fn` in one read snapshot (a DEFERRED transaction takes no write lock). Inside a transaction (a batch, a
   * change) it already has one: `fn` runs as it is, with no savepoint, since reading changes nothing to roll back.
   */
  private read<T>(fn: () => T): T {
    this.open();
    return this.db.inTransaction ? fn() : (this.tx.deferred(fn) as T);
  }

  /**
   * Runs `fn` as one transaction (IMMEDIATE: the write lock first, so a concurrent writer waits instead of failing
   * on a lock upgrade); inside a {@link batch}, as a savepoint of the batch's transaction.
   */
  private write<T>(fn: () => T): T {
    this.open();
    if (this.readonly) throw new ArchiveError('readOnly');
    return this.tx.immediate(fn) as T;
  }

  private open(): void {
    if (this.closed) throw new ArchiveError('closed');
  }

  private require(id: number): void {
    this.open();
    if (!this.exists.get(v.recordingId(id))) throw new ArchiveError('unknownRecording', String(id));
  }

  private requireAudioDir(): string {
    if (this.audioDir === undefined) throw new ArchiveError('noAudioDir');
    return this.audioDir;
  }

  /**
   * Removes an audio file after the transaction that unlisted it commits (at once outside a {@link batch}; a batch
   * that rolls back keeps its files). @returns whether the file was there.
   */
  private unlink(file: string): boolean {
    if (this.audioDir === undefined) return false;
    const path = join(this.audioDir, file);
    if (this.pendingUnlinks) {
      this.pendingUnlinks.push(path);
      return existsSync(path);
    }
    try {
      rmSync(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
