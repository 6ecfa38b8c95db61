/**
 * What the core writes into the recordings archive about a call, and how the archive's errors read as core errors.
 * The archive (src/store) is protocol-free and knows nothing of calls; this is where a call becomes a catalogue entry.
 */
import { ArchiveError, type MetadataItem, type NewRecording, type ReasonCode, type RecordingSource } from '../../store/index.js';
import type { ContactCenter } from '../center.js';
import { CORE_ERRORS, CoreError, type CoreErrorCode } from '../errors.js';
import type { Call, Party } from '../model.js';
import { ACTIVE } from '../calls/registry.js';

/** What a recording is started with, besides its call and source. */
export interface StartRecording {
  /**
   * The agent whose recording it is (userId, any case): required in the call. Default: the first agent in the call
   * (connected, ringing, holding or held), as QMI's server-side recording names "the agent who picked the call".
   */
  userId?: string;
  /** Reason codes (seed 001): `workflow` for a policy, `agentTagged` for Tag/Restart, `requested` for QMI and the API. */
  reasons?: readonly ReasonCode[];
  /** First metadata items (at most 10). */
  metadata?: readonly MetadataItem[];
}

/** Sources whose recordings belong to one agent of the call (the policy's and a tag's); the others are the call's. */
export const AGENT_SOURCES: ReadonlySet<RecordingSource> = new Set<RecordingSource>(['ciscoqm', 'tag']);

/** The source of the recordings a recording policy starts (store: "Cisco QM recording policy (workflow)"). */
export const POLICY_SOURCE: RecordingSource = 'ciscoqm';

/** The agent party a recording is for; `invalidArgument` when a named agent is not in the call. */
export function recordedParty(call: Call, userId: string | undefined): Party | undefined {
  if (userId === undefined) return call.parties.find((p) => p.userId !== undefined && p.role !== 'supervisor' && ACTIVE.has(p.state));
  const u = userId.toUpperCase();
  const party = call.parties.find((p) => p.userId?.toUpperCase() === u && ACTIVE.has(p.state));
  if (!party) throw new CoreError('invalidArgument', `agent ${userId} is not in call ${call.id}`);
  return party;
}

/**
 * The archive entry of a recording of `call` starting now: ANI the caller's number, DNIS the number dialled (a queue's
 * number for an ACD call), the ACD call id the call's reference, the agent's names from the center.
 */
export function newEntry(cc: ContactCenter, call: Call, source: RecordingSource, party: Party | undefined, opts: StartRecording): NewRecording {
  const entry: NewRecording = {
    source,
    callId: call.id,
    sipCallId: call.sipCallId,
    acdCallId: String(call.reference),
    dnis: call.dialled,
    startTime: cc.now(),
  };
  const caller = call.parties.find((p) => p.role === 'caller');
  if (caller) entry.ani = caller.number;
  const agent = party?.userId !== undefined ? cc.agents.get(party.userId) : undefined;
  if (party && agent) {
    entry.agent = { userId: agent.userId, userName: agent.userId, firstName: agent.firstName, lastName: agent.lastName, extension: party.number };
  }
  if (opts.reasons) entry.reasons = [...opts.reasons];
  if (opts.metadata) entry.metadata = opts.metadata.map((m) => ({ ...m }));
  return entry;
}

const ARCHIVE_TO_CORE: Partial<Record<ArchiveError['code'], CoreErrorCode>> = {
  unknownRecording: 'unknownRecording',
  alreadyRecording: 'invalidState',
  recordingDeleted: 'invalidState',
  tooManyMetadata: 'invalidArgument',
  invalidInput: 'invalidArgument',
};

/**
 * Runs an archive call; an ArchiveError a caller can cause (unknown id, already recording, deleted, too many
 * metadata, bad input) becomes the CoreError of the same meaning. Anything else (closed, read-only, disk) propagates.
 */
export function archived<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = err instanceof ArchiveError ? ARCHIVE_TO_CORE[err.code] : undefined;
    // The archive's message already opens with its own generic phrase ("A parameter is missing or invalid: …");
    // the CoreError adds the core's, so only the detail is passed on (never "…invalid: A parameter is missing…").
    if (code) throw new CoreError(code, archiveDetail(err as ArchiveError, code));
    throw err;
  }
}

/** The archive error's message as the detail of the core error `code`, without the generic phrase both open with. */
function archiveDetail(err: ArchiveError, code: CoreErrorCode): string | undefined {
  const generic = CORE_ERRORS[code].message;
  if (err.message === generic) return undefined;
  return err.message.startsWith(`${generic}: `) ? err.message.slice(generic.length + 2) : err.message;
}
