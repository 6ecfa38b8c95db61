/** A call list's entries as the dialer keeps them, their public view, their validation, and a list's counters. */
import type { ContactCenter } from '../center.js';
import type { TimerHandle } from '../clock.js';
import { CoreError } from '../errors.js';
import { DIALLABLE } from '../numbering.js';
import { newTally } from '../stats.js';
import type { DialerStats, EntryRequest, EntryState, EntryView, Outcome } from './types.js';

export interface Entry {
  id: string;
  req: EntryRequest;
  state: EntryState;
  tries: number;
  /** Not dialled before (epoch ms): the window's start, then the next retry. */
  retryAt: number;
  callId?: string;
  userId?: string;
  /** When the customer started waiting for an agent (absent: offered at once). */
  queuedAt?: number;
  answeredAt?: number;
  /** The no-answer timer of the try ringing now. */
  timer?: TimerHandle;
  outcome?: Outcome;
  settledAt?: number;
  settled?: Promise<EntryView>;
  resolve?: (v: EntryView) => void;
}

export function entryView(e: Entry): EntryView {
  const v: EntryView = { id: e.id, number: e.req.number, state: e.state, tries: e.tries };
  if (e.state === 'pending') v.nextTryAt = e.retryAt;
  if (e.req.notBefore !== undefined) v.notBefore = e.req.notBefore;
  if (e.req.notAfter !== undefined) v.notAfter = e.req.notAfter;
  if (e.callId !== undefined) v.callId = e.callId;
  if (e.userId !== undefined) v.userId = e.userId;
  if (e.outcome !== undefined) v.outcome = e.outcome;
  if (e.settledAt !== undefined) v.settledAt = e.settledAt;
  return v;
}

/** `invalidArgument` for a number that cannot be dialled or a window that closes before it opens; `unknownAgent`. */
export function validateEntry(cc: ContactCenter, r: EntryRequest): void {
  if (!DIALLABLE.test(r.number)) throw new CoreError('invalidArgument', `number ${r.number}`);
  for (const t of [r.notBefore, r.notAfter]) if (t !== undefined && !Number.isFinite(t)) throw new CoreError('invalidArgument', 'window');
  if (r.notBefore !== undefined && r.notAfter !== undefined && r.notAfter <= r.notBefore) throw new CoreError('invalidArgument', 'the window closes before it opens');
  if (r.agent) cc.agent(r.agent.userId);
}

export function newDialerStats(since: number): DialerStats {
  return {
    since,
    intended: 0,
    originated: 0,
    retried: 0,
    failed: 0,
    connected: { count: 0, totalMs: 0 },
    performed: 0,
    routedToAgent: 0,
    routedToFailure: 0,
    queued: newTally(),
    abandonedInQueue: 0,
    abandonedImmediately: 0,
    abandonedOnAgent: 0,
  };
}
