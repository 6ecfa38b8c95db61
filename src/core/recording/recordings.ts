/**
 * The core's recording commands, on the recordings archive (src/store): several recordings per call, one per source
 * (per source and agent for an agent's own), each a catalogue entry with its segments, reasons, metadata, retention
 * and audio file; the per-agent recording policy applied when a call is answered.
 *
 * The call carries the recordings that run or are paused (`Call.recordings`); starting, pausing, resuming and
 * stopping one is a call `recording` event, the end of a call stops the rest (listed on its `ended`/`merged` event),
 * and an agent leaving a call that goes on stops that agent's own recordings. What happens to a recording after that
 * (audio written, deleted, metadata, reasons, discarded) is a `recording` domain event. The media layer writes each
 * stopped recording's audio where the archive says and reports it with {@link Recordings.fileReady}.
 */
import {
  RecordingArchive,
  type MetadataChange,
  type PageRequest,
  type ReasonCode,
  type RecordingAudio,
  type RecordingKey,
  type RecordingPage,
  type RecordingQuery,
  type RecordingRecord,
  type RecordingSource,
  type RecordingSummary,
} from '../../store/index.js';
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { RecordingChange, RecordingEvent, RecordingRef } from '../events.js';
import type { Call, CallRecording, Party } from '../model.js';
import type { CallParts } from '../calls/parts.js';
import { AGENT_SOURCES, archived, newEntry, POLICY_SOURCE, recordedParty, type StartRecording } from './entry.js';
import { policyOf, policyPercent, policyRecords, type RecordingPolicy } from './policy.js';

export class Recordings {
  private opened: RecordingArchive | undefined;
  /** Whether the core opened the archive itself (then it closes it at shutdown). */
  private readonly owned: boolean;
  /** Recordings running or paused, by archive id, with their call. */
  private readonly live = new Map<number, { call: Call; entry: CallRecording }>();
  /** userId → share of calls recorded (0 … 100); agents without an entry are not recorded by policy. */
  private readonly policies = new Map<string, number>();
  /** Agents whose policy was applied to a call already: once per call and agent, whatever happens to the recording. */
  private readonly decided = new WeakMap<Call, Set<string>>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
    archive: RecordingArchive | undefined,
  ) {
    this.opened = archive;
    this.owned = archive === undefined;
  }

  /** The archive: the one given to the core, else an in-memory one opened on first use (core tests). */
  get archive(): RecordingArchive {
    return (this.opened ??= RecordingArchive.open({ memory: true, now: () => this.cc.now() }));
  }

  // ------------------------------------------------------------ reads

  /** The archive entry; `unknownRecording` when there is none. */
  get(id: number): RecordingRecord {
    const rec = archived(() => this.archive.get(id));
    if (!rec) throw new CoreError('unknownRecording', String(id));
    return rec;
  }

  /** One page of the archive (criteria ANDed, id order); `invalidArgument` for a bad criterion or page. */
  search(query: RecordingQuery = {}, page?: PageRequest): RecordingPage {
    return archived(() => this.archive.search(query, page));
  }

  /** {@link search} without each entry's segments, reasons and metadata (a list of contacts). */
  searchSummaries(query: RecordingQuery = {}, page?: PageRequest): RecordingPage<RecordingSummary> {
    return archived(() => this.archive.searchSummaries(query, page));
  }

  count(query: RecordingQuery = {}): number {
    return archived(() => this.archive.count(query));
  }

  /** The call's recording of this id while it runs or is paused. */
  liveEntry(id: number): { call: Call; entry: CallRecording } | undefined {
    return this.live.get(id);
  }

  // ------------------------------------------------------------ recording a call

  /**
   * Starts recording a live call for `source` (QMI `qmi`, control API `api`, an agent's `tag`, the policy's
   * `ciscoqm`): a new archive entry, running from now. One at a time per call and source, and per agent for an
   * agent's own source. @throws CoreError `unknownCall`/`callGone`, `invalidState` (already recorded),
   * `invalidArgument` (a named agent not in the call, bad metadata).
   */
  start(callId: string, source: RecordingSource, opts: StartRecording = {}): RecordingRecord {
    const call = this.p.reg.live(callId);
    const party = recordedParty(call, opts.userId);
    const perAgent = AGENT_SOURCES.has(source);
    if (call.recordings.some((r) => r.source === source && (!perAgent || r.userId === party?.userId))) {
      throw new CoreError('invalidState', 'the call is already being recorded');
    }
    const rec = archived(() => this.archive.create(newEntry(this.cc, call, source, party, opts)));
    const entry: CallRecording = { id: rec.id, source, state: 'recording' };
    if (rec.agent && (perAgent || party)) entry.userId = rec.agent.userId;
    call.recordings.push(entry);
    this.live.set(rec.id, { call, entry });
    this.emitCall(call, entry, 'started');
    return rec;
  }

  /** The call's running or paused recording of `source` (the first), for requests that name a call, not a recording. */
  ofCall(callId: string, source: RecordingSource): CallRecording {
    const call = this.p.reg.live(callId);
    const entry = call.recordings.find((r) => r.source === source);
    if (!entry) throw new CoreError('invalidState', 'the call is not being recorded');
    return entry;
  }

  /** QMI 3.2.4 strictness: `invalidState` unless the call's recording of `source` is running. */
  pauseCall(callId: string, source: RecordingSource): RecordingRecord {
    const entry = this.ofCall(callId, source);
    if (entry.state !== 'recording') throw new CoreError('invalidState', 'the recording is not running');
    this.pause(entry.id);
    return this.get(entry.id);
  }

  /** `invalidState` unless the call's recording of `source` is paused. */
  resumeCall(callId: string, source: RecordingSource): RecordingRecord {
    const entry = this.ofCall(callId, source);
    if (entry.state !== 'paused') throw new CoreError('invalidState', 'the recording is not paused');
    this.resume(entry.id);
    return this.get(entry.id);
  }

  /** `invalidState` unless the call has a recording of `source`. */
  stopCall(callId: string, source: RecordingSource): RecordingRecord {
    const entry = this.ofCall(callId, source);
    this.stop(entry.id);
    return this.get(entry.id);
  }

  /** Pauses a running recording (seed 001 Pause: no effect when already paused). @returns whether it changed. */
  pause(id: number): boolean {
    return this.transition(id, 'paused', (at) => this.archive.pause(id, at).changed);
  }

  /** Resumes a paused recording (seed 001 Resume: no effect unless paused). @returns whether it changed. */
  resume(id: number): boolean {
    return this.transition(id, 'resumed', (at) => this.archive.resume(id, at).changed);
  }

  /** Stops a running or paused recording; a paused one ends at its pause. @returns false when it was not live. */
  stop(id: number): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    archived(() => this.archive.stop(id, this.cc.now()));
    this.unlist(live.call, live.entry);
    this.emitCall(live.call, live.entry, 'stopped');
    return true;
  }

  /**
   * Stops every running or paused recording (gateway shutdown: each stops as `stop` stops it, one call `recording`
   * event each, so the media layer writes its audio before the process exits and a restart finds it complete).
   * @returns how many were stopped.
   */
  stopAll(): number {
    const ids = [...this.live.keys()];
    let stopped = 0;
    for (const id of ids) if (this.stop(id)) stopped++;
    return stopped;
  }

  /**
   * Seed 001 Restart: the running recording is stopped and discarded (entry, audio, metadata), and a new one starts
   * now for the same source and agent with the old reasons plus `reasons`; the call's metadata carries over (it was
   * attached to the call). @throws CoreError `invalidState` when `id` is not live.
   */
  restart(id: number, reasons: readonly ReasonCode[]): RecordingRecord {
    const live = this.live.get(id);
    if (!live) throw new CoreError('invalidState', 'the recording is not running');
    const old = this.get(id);
    this.stop(id);
    archived(() => this.archive.remove(id));
    this.emitRecording('removed', old);
    const opts: StartRecording = { reasons: [...new Set([...old.reasons, ...reasons])], metadata: old.metadata };
    if (live.entry.userId !== undefined) opts.userId = live.entry.userId;
    return this.start(live.call.id, old.source, opts);
  }

  /**
   * The call ends or is merged away: every recording it carries stops with it. The call's own ended/merged event
   * lists them (what this returns), so the end of a call stays one event.
   */
  finishWithCall(call: Call): RecordingRef[] {
    if (call.recordings.length === 0) return [];
    const at = this.cc.now();
    const stopped = call.recordings.map((entry) => {
      archived(() => this.archive.stop(entry.id, at));
      this.live.delete(entry.id);
      return ref(entry);
    });
    call.recordings = [];
    return stopped;
  }

  /** An agent left a call that goes on: the agent's own recordings of it (policy, tag) stop. */
  leftCall(call: Call, party: Party): void {
    if (call.recordings.length === 0 || party.userId === undefined) return;
    for (const entry of [...call.recordings]) if (entry.userId === party.userId && AGENT_SOURCES.has(entry.source)) this.stop(entry.id);
  }

  // ------------------------------------------------------------ the recording policy

  /** Sets an agent's recording policy (fixture, interface configuration); `unknownAgent`. Survives reset. */
  setPolicy(userId: string, policy: RecordingPolicy): void {
    const agent = this.cc.agent(userId);
    const percent = policyPercent(policy);
    if (percent > 0) this.policies.set(agent.userId, percent);
    else this.policies.delete(agent.userId);
  }

  policy(userId: string): RecordingPolicy {
    return policyOf(this.policies.get(this.cc.agent(userId).userId) ?? 0);
  }

  /**
   * A call was answered (or an agent joined it by transfer or conference): each agent connected in it whose policy
   * was not yet applied to this call gets it once: recorded (source `ciscoqm`, reason `workflow`) or not. A
   * failure of the archive never undoes the answer: it is reported to `CoreOptions.onRecordingError`.
   */
  applyPolicy(call: Call): void {
    if (this.policies.size === 0) return;
    for (const party of call.parties) {
      const userId = party.userId;
      if (userId === undefined || party.state !== 'connected' || party.role === 'supervisor') continue;
      const percent = this.policies.get(userId);
      if (percent === undefined) continue;
      let done = this.decided.get(call);
      if (!done) this.decided.set(call, (done = new Set()));
      if (done.has(userId)) continue;
      done.add(userId);
      if (!policyRecords(percent, () => this.cc.ids.next32())) continue;
      if (call.recordings.some((r) => r.source === POLICY_SOURCE && r.userId === userId)) continue;
      try {
        this.start(call.id, POLICY_SOURCE, { userId, reasons: ['workflow'] });
      } catch (err) {
        this.cc.options.onRecordingError(err, call.id);
      }
    }
  }

  // ------------------------------------------------------------ the archive entry after the call

  /** Adds reason codes (seed 001 Tag: `agentTagged`). @returns whether any was new. `invalidState` once deleted. */
  addReasons(id: number, reasons: readonly ReasonCode[]): boolean {
    // The archive's `apply…` changes do not read the entry back: the event names it by its key alone.
    const { key, changed } = archived(() => this.archive.applyReasons(id, reasons));
    if (changed) this.emitRecording('reasons', key);
    return changed;
  }

  /** Sets or clears (null) metadata items, all or none. `invalidArgument` (more than 10), `invalidState` (deleted). */
  setMetadata(id: number, changes: readonly MetadataChange[]): void {
    this.emitRecording('metadata', archived(() => this.archive.applyMetadata(id, changes)));
  }

  /**
   * Deletes the audio and metadata; the entry stays with `retention` (`audioDeleted`: Server API deleteRecording,
   * `deleted`: Recording API Delete, final). Audio written later is discarded on arrival.
   * @returns whether an audio file was removed (seed 001 deleteRecording `fileDeleted`).
   */
  deleteAudio(id: number, retention: 'audioDeleted' | 'deleted'): boolean {
    const before = this.get(id);
    const { recording, fileDeleted } = archived(() => this.archive.deleteAudio(id, retention));
    if (before.retention !== recording.retention || fileDeleted) this.emitRecording('deleted', recording);
    return fileDeleted;
  }

  /**
   * The media layer wrote the recording's audio at `archive.audioTarget(id)`. When the recording was deleted or
   * discarded meanwhile, the file is removed instead and nothing is reported.
   */
  fileReady(id: number, audio: RecordingAudio): boolean {
    const { kept, recording } = archived(() => this.archive.attachAudio(id, audio));
    if (kept && recording) this.emitRecording('fileReady', recording);
    return kept;
  }

  /** Closes an archive the core opened itself (an injected one is its owner's to close). */
  shutdown(): void {
    if (this.owned) this.opened?.close();
  }

  // ------------------------------------------------------------ internals

  private transition(id: number, change: 'paused' | 'resumed', apply: (at: number) => boolean): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    const changed = archived(() => apply(this.cc.now()));
    if (!changed) return false;
    live.entry.state = change === 'paused' ? 'paused' : 'recording';
    this.emitCall(live.call, live.entry, change);
    return true;
  }

  private unlist(call: Call, entry: CallRecording): void {
    call.recordings = call.recordings.filter((r) => r !== entry);
    this.live.delete(entry.id);
  }

  private emitCall(call: Call, entry: CallRecording, change: RecordingChange): void {
    this.p.reg.emit('recording', call, [], { recording: { change, ...ref(entry) } });
  }

  private emitRecording(change: RecordingEvent['change'], rec: RecordingRecord | RecordingKey): void {
    const key = 'startTime' in rec ? keyOf(rec) : rec;
    this.cc.bus.emit(this.cc.now(), () => {
      const e: RecordingEvent = { type: 'recording', change, recordingId: key.id, source: key.source, callId: key.callId };
      if (key.userId !== undefined) e.userId = key.userId;
      return e;
    });
  }
}

function keyOf(rec: RecordingRecord): RecordingKey {
  const key: RecordingKey = { id: rec.id, source: rec.source, callId: rec.callId };
  if (rec.agent) key.userId = rec.agent.userId;
  return key;
}

function ref(entry: CallRecording): RecordingRef {
  const r: RecordingRef = { recordingId: entry.id, source: entry.source };
  if (entry.userId !== undefined) r.userId = entry.userId;
  return r;
}
