/**
 * The six QM Recording API commands (seed 001, "API Commands") on the core's recordings. QM's commands act on QM's
 * own recording of the agent's call: the recording policy's (`ciscoqm`) or a tag's (`tag`), never another system's
 * recording of the same call (QMI's is BCM's). Shared by the UDP ports and the Finesse JSON path.
 *
 * | command | call | effect |
 * | --- | --- | --- |
 * | delete | active | audio and metadata deleted, the contact record stays; later commands on the call do nothing |
 * | metadata | active, else last | items set (same key updates, empty value zeros); unknown keys ignored; a bad format refuses the whole command; at most 10 items sent |
 * | pause / resume | active | audio paused / resumed; no effect when already so |
 * | restart | active | the recording is discarded and starts again now, or starts; reason Agent Tagged |
 * | tag | active, else last | Agent Tagged added; an unrecorded active call starts recording; an unrecorded last call: nothing |
 *
 * Of two active calls (an ACD call held for a consultation), the command acts on the one whose recording began first,
 * else on the one delivered to the agent first (seed 001 Tag; the other commands follow the same rule).
 */
import { AGENT_SOURCES, isCoreError, type Call, type CallRecording, type ContactCenter } from '../../core/index.js';
import { MAX_METADATA_ITEMS, type MetadataChange, type MetadataItem, type RecordingRecord } from '../../store/index.js';
import type { AgentCalls } from './calls.js';
import type { DatagramPair, QmCommand } from './datagram.js';
import { validValue, type MetadataFields } from './metadata.js';

export type CommandOutcome =
  | { outcome: 'applied'; recordingId?: number }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'rejected'; reason: string };

export interface CommandDeps {
  center: ContactCenter;
  calls: AgentCalls;
  fields: MetadataFields;
}

const applied = (recordingId?: number): CommandOutcome => (recordingId === undefined ? { outcome: 'applied' } : { outcome: 'applied', recordingId });
const ignored = (reason: string): CommandOutcome => ({ outcome: 'ignored', reason });
const rejected = (reason: string): CommandOutcome => ({ outcome: 'rejected', reason });

/** Runs one command for the agent `userId` (a core userId). Never throws for anything the core refuses. */
export function runCommand(deps: CommandDeps, userId: string, command: QmCommand, pairs: readonly DatagramPair[]): CommandOutcome {
  try {
    switch (command) {
      case 'metadata':
        return metadata(deps, userId, pairs);
      case 'tag':
        return tag(deps, userId);
      default:
        return onActive(deps, userId, command);
    }
  } catch (err) {
    // A call that ended between the lookup and the command, or a recording already gone: the command has no effect.
    if (isCoreError(err)) return ignored(err.code);
    throw err;
  }
}

/** The agent's own QM recording running on a live call. */
function liveQm(call: Call, userId: string): CallRecording | undefined {
  return call.recordings.find((r) => r.userId === userId && AGENT_SOURCES.has(r.source));
}

/** The agent's latest QM recording of a call, running or stopped. */
function storedQm(deps: CommandDeps, callId: string, userId: string): RecordingRecord | undefined {
  return deps.center.recordings.search({ callId, userId, source: [...AGENT_SOURCES] }, { limit: 1, order: 'desc' }).recordings[0];
}

/** The active call a command acts on (see the table above). */
function activeCall(deps: CommandDeps, userId: string): Call | undefined {
  const calls = deps.calls.active(userId);
  let best: { call: Call; id: number } | undefined;
  for (const call of calls) {
    const rec = liveQm(call, userId);
    if (rec && (!best || rec.id < best.id)) best = { call, id: rec.id };
  }
  return best?.call ?? calls[0];
}

/** Seed 001: a command "valid for active calls only". */
function onActive(deps: CommandDeps, userId: string, command: 'delete' | 'pause' | 'resume' | 'restart'): CommandOutcome {
  const call = activeCall(deps, userId);
  if (!call) return ignored('noActiveCall');
  if (deps.calls.isDeleted(userId, call.id)) return ignored('deleted');
  const rec = liveQm(call, userId);
  const r = deps.center.recordings;
  switch (command) {
    case 'delete':
      // "Marks recording to be deleted even if … tagged": the audio written later is discarded on arrival.
      deps.calls.markDeleted(userId, call.id);
      if (rec) r.deleteAudio(rec.id, 'deleted');
      return applied(rec?.id);
    case 'pause':
      if (!rec) return ignored('notRecorded');
      return r.pause(rec.id) ? applied(rec.id) : ignored('alreadyPaused');
    case 'resume':
      if (!rec) return ignored('notRecorded');
      return r.resume(rec.id) ? applied(rec.id) : ignored('notPaused');
    case 'restart':
      if (rec) return applied(r.restart(rec.id, ['agentTagged']).id);
      return applied(startTagged(deps, userId, call).id);
  }
}

/** A recording of an unrecorded active call, Agent Tagged, with the metadata sent for the call so far. */
function startTagged(deps: CommandDeps, userId: string, call: Call): RecordingRecord {
  const metadata = deps.calls.pendingMetadata(userId, call.id);
  const rec = deps.center.telephony.startRecording(call.id, 'tag', { userId, reasons: ['agentTagged'], metadata });
  deps.calls.setPendingMetadata(userId, call.id, []);
  return rec;
}

function tag(deps: CommandDeps, userId: string): CommandOutcome {
  const call = activeCall(deps, userId);
  const r = deps.center.recordings;
  if (call) {
    if (deps.calls.isDeleted(userId, call.id)) return ignored('deleted');
    const rec = liveQm(call, userId);
    if (!rec) return applied(startTagged(deps, userId, call).id);
    r.addReasons(rec.id, ['agentTagged']);
    return applied(rec.id);
  }
  const last = deps.calls.last(userId);
  if (last === undefined) return ignored('noCall');
  // "If the last call was not recorded, nothing happens."
  const rec = storedQm(deps, last, userId);
  if (!rec) return ignored('notRecorded');
  if (rec.retention !== 'retained' || deps.calls.isDeleted(userId, last)) return ignored('deleted');
  r.addReasons(rec.id, ['agentTagged']);
  return applied(rec.id);
}

/** The configured fields of the pairs; unknown keys are left out (seed: "ignored"), a bad format refuses them all. */
export function metadataChanges(fields: MetadataFields, pairs: readonly DatagramPair[]): { changes: MetadataChange[] } | { badFormat: string } {
  const changes: MetadataChange[] = [];
  for (const p of pairs) {
    const field = fields.find(p.key);
    if (!field) continue;
    if (!validValue(field.type, p.value)) return { badFormat: field.key };
    changes.push({ key: field.key, value: p.value });
  }
  return { changes };
}

function metadata(deps: CommandDeps, userId: string, pairs: readonly DatagramPair[]): CommandOutcome {
  // Seed 001 Metadata: "up to 10 items" a command. Counted before unknown keys are set aside, so 11 items are refused
  // as too many whatever their keys, never answered as "unknown keys".
  if (pairs.length > MAX_METADATA_ITEMS) return rejected('tooManyMetadata');
  const parsed = metadataChanges(deps.fields, pairs);
  if ('badFormat' in parsed) return rejected('badFormat');
  const { changes } = parsed;
  const call = activeCall(deps, userId);
  const callId = call?.id ?? deps.calls.last(userId);
  if (callId === undefined) return ignored('noCall');
  if (deps.calls.isDeleted(userId, callId)) return ignored('deleted');
  if (changes.length === 0) return ignored('unknownKeys');
  const live = call ? liveQm(call, userId) : undefined;
  if (live) return setLive(deps, live.id, changes);
  const rec = call ? undefined : storedQm(deps, callId, userId);
  if (rec) {
    if (rec.retention !== 'retained') return ignored('deleted');
    if (merged(rec.metadata, changes).length > MAX_METADATA_ITEMS) return rejected('tooManyMetadata');
    deps.center.recordings.setMetadata(rec.id, changes);
    return applied(rec.id);
  }
  // "If the call is not uploaded, then the metadata is discarded": a last call that was not recorded keeps nothing;
  // an active one keeps it until a Tag or Restart records it.
  if (!call) return ignored('notRecorded');
  const items = merged(deps.calls.pendingMetadata(userId, call.id), changes);
  if (items.length > MAX_METADATA_ITEMS) return rejected('tooManyMetadata');
  deps.calls.setPendingMetadata(userId, call.id, items);
  return applied();
}

/**
 * Metadata on the running recording, at the rate commands arrive (issue 11: 20,000 a second): not read first, the
 * archive checks what a read would (all or nothing): `recordingDeleted` (invalidState) is a deleted contact, and
 * `tooManyMetadata` (invalidArgument: the values passed validValue, so the count is the only thing left to refuse)
 * more than ten items after the change.
 */
function setLive(deps: CommandDeps, id: number, changes: readonly MetadataChange[]): CommandOutcome {
  try {
    deps.center.recordings.setMetadata(id, changes);
    return applied(id);
  } catch (err) {
    if (isCoreError(err) && err.code === 'invalidState') return ignored('deleted');
    if (isCoreError(err) && err.code === 'invalidArgument') return rejected('tooManyMetadata');
    throw err;
  }
}

/** Items after the changes: same key updates, an empty value is kept (seed 001: `key=` zeros the value). */
function merged(items: readonly MetadataItem[], changes: readonly MetadataChange[]): MetadataItem[] {
  const out = new Map(items.map((i) => [i.key, i.value]));
  for (const c of changes) if (c.value !== null) out.set(c.key, c.value);
  return [...out].map(([key, value]) => ({ key, value }));
}
