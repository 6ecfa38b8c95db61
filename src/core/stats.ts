/**
 * Statistics counters and durations, per agent (device user) and per queue. The counters are the union of what the
 * interfaces report (TelServices user/routing-point statistics, ICI queue info, Open Media reporting); each interface
 * picks and renames what it needs.
 */
import type { AgentState } from './model.js';

export interface Tally {
  count: number;
  totalMs: number;
  maxMs: number;
}

export const newTally = (): Tally => ({ count: 0, totalMs: 0, maxMs: 0 });

export function addTally(t: Tally, ms: number): void {
  t.count += 1;
  t.totalMs += ms;
  if (ms > t.maxMs) t.maxMs = ms;
}

export interface AgentStats {
  since: number;
  /** Every incoming call that rang this agent's device / only those delivered by a queue. */
  incomingAlerting: Tally;
  acdIncomingAlerting: Tally;
  incomingConnected: Tally;
  acdIncomingConnected: Tally;
  incomingAbandoned: number;
  acdIncomingAbandoned: number;
  incomingFailed: number;
  /** Calls the agent's device dialled / only those serving a queue's contact (consultations of ACD calls). */
  outgoingOriginated: number;
  acdOutgoingOriginated: number;
  outgoingConnected: Tally;
  acdOutgoingConnected: Tally;
  /** Time spent in each state, closed intervals only (see agentStateDurations for the live value). */
  stateMs: Record<AgentState, number>;
  /** Time on calls that did not come through a queue. */
  directCallMs: number;
  /** Work items (e-mail, chat, action, open media). */
  itemsOffered: number;
  itemsAnswered: number;
  itemsNotAnswered: number;
}

export function newAgentStats(since: number): AgentStats {
  return {
    since,
    incomingAlerting: newTally(),
    acdIncomingAlerting: newTally(),
    incomingConnected: newTally(),
    acdIncomingConnected: newTally(),
    incomingAbandoned: 0,
    acdIncomingAbandoned: 0,
    incomingFailed: 0,
    outgoingOriginated: 0,
    acdOutgoingOriginated: 0,
    outgoingConnected: newTally(),
    acdOutgoingConnected: newTally(),
    stateMs: { loggedOff: 0, ready: 0, notReady: 0, busy: 0, workingAfterCall: 0 },
    directCallMs: 0,
    itemsOffered: 0,
    itemsAnswered: 0,
    itemsNotAnswered: 0,
  };
}

/**
 * Per queue, calls and items alike. Outbound campaign counters (intended, performed, retried …) belong to the dialer
 * that places those calls, not to a queue.
 */
export interface QueueStats {
  since: number;
  /** Contacts that entered the queue (a requeued or rejected one is not offered again). */
  offered: number;
  answered: number;
  abandonedInQueue: number;
  abandonedOnAgent: number;
  /** Abandoned before `immediateAbandonMs` in queue: ignored by service-level statistics. */
  abandonedImmediately: number;
  queued: Tally;
  alerting: Tally;
  connected: Tally;
  /** Offered to their preferred agent / to the agent the distribution chose / failed because the queue was closed. */
  routedToPreferred: number;
  routedToDistribution: number;
  routedToFailure: number;
  /** Items diverted into / out of the queue (Open Media DivertRequest: Overflowed In / Out). */
  overflowIn: number;
  overflowOut: number;
  /** Calls that went back to the queue after a ring-no-answer or a decline. */
  requeued: number;
  completed: number;
  cancelled: number;
}

export function newQueueStats(since: number): QueueStats {
  return {
    since,
    offered: 0,
    answered: 0,
    abandonedInQueue: 0,
    abandonedOnAgent: 0,
    abandonedImmediately: 0,
    queued: newTally(),
    alerting: newTally(),
    connected: newTally(),
    routedToPreferred: 0,
    routedToDistribution: 0,
    routedToFailure: 0,
    overflowIn: 0,
    overflowOut: 0,
    requeued: 0,
    completed: 0,
    cancelled: 0,
  };
}

/**
 * A contact abandoned before an agent took it: while offered to an agent (`abandonedOnAgent`), or while waiting,
 * `abandonedImmediately` before `immediateMs` and `abandonedInQueue` after; a waiting one books its queue time.
 * Calls (the caller hung up) and work items (cancelled) count alike.
 */
export function countAbandoned(qs: QueueStats, onAgent: boolean, waitedMs: number, immediateMs: number): void {
  if (onAgent) {
    qs.abandonedOnAgent += 1;
    return;
  }
  if (waitedMs < immediateMs) qs.abandonedImmediately += 1;
  else qs.abandonedInQueue += 1;
  addTally(qs.queued, waitedMs);
}

/** State durations including the still-open interval of the current state. */
export function agentStateDurations(
  stats: AgentStats,
  state: AgentState,
  stateSince: number,
  now: number,
): Record<AgentState, number> {
  const out = { ...stats.stateMs };
  out[state] += Math.max(0, now - Math.max(stateSince, stats.since));
  return out;
}
