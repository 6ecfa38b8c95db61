/**
 * How parties leave and calls end: one party leaving (the call goes on while two parties remain), the statistics and
 * history each departure books, the agent's state after their last call, and ending a call for everyone.
 */
import type { ContactCenter } from '../center.js';
import type { Call, CallCause, HistoryRecord, Party } from '../model.js';
import { addTally, countAbandoned } from '../stats.js';
import type { CallParts } from './parts.js';
import { ACTIVE } from './registry.js';

export interface LeaveOptions {
  /** The call continues even with fewer parties (it is being redirected or requeued). */
  keepCall?: boolean;
  /** No partyDropped event (the caller emits a more specific one). */
  silent?: boolean;
  /** The agent's state is left alone (ring-no-answer sets it itself). */
  agentStays?: boolean;
}

export class CallEnding {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  /** One party leaves. The call goes on while two parties remain (conference), otherwise it ends. */
  leave(call: Call, party: Party, cause: CallCause, opts: LeaveOptions = {}): void {
    const { reg } = this.p;
    const now = this.cc.now();
    const wasState = party.state;
    reg.clearPartyTimers(call, party);
    if (call.offer?.legId === party.legId) delete call.offer;
    this.closeParty(call, party, cause, now);
    if (party.internal) reg.untrack(party.number, call);
    if (wasState === 'queued') this.p.acd.removeFromQueue(call);
    if (!opts.agentStays) this.afterAgentLeft(call, party);
    // keepCall: the caller tells what happened to the call, then stops the agent's recordings (recordings.leftCall)
    // or ends the call, which stops them all; a recording event never comes before the change that caused it.
    if (opts.keepCall) return;
    const rest = reg.activeParties(call);
    const realParties = rest.filter((p) => p.role !== 'supervisor');
    if (realParties.length >= 2) {
      if (realParties.length === 2) call.conference = false;
      // The party that left had the others on hold: nobody can retrieve them now.
      if (wasState === 'hold' && !rest.some((p) => p.state === 'hold')) for (const p of rest) if (p.state === 'held') p.state = 'connected';
      if (!opts.silent) reg.emit('partyDropped', call, [party], { cause, actor: party.number });
      this.p.recordings.leftCall(call, party);
      return;
    }
    // Leaving a queue is abandoning it, whoever waits there (the caller, or a party blind-transferred into it).
    const abandoned = wasState === 'queued' || (party.role === 'caller' && wasState === 'initiated');
    this.endCall(call, abandoned ? 'abandoned' : cause, party);
  }

  /** Marks a party ended and books its statistics and history. */
  closeParty(call: Call, party: Party, cause: CallCause, now: number): void {
    const alertingMs = party.alertingAt !== undefined ? (party.connectedAt ?? now) - party.alertingAt : undefined;
    const connectedMs = party.connectedAt !== undefined ? now - party.connectedAt : undefined;
    const wasAlerting = party.state === 'alerting';
    party.state = 'ended';
    party.endedAt = now;
    party.cause = cause;
    const stats = this.cc.statsOf(party.userId);
    if (stats) {
      const incoming = party.role !== 'caller';
      if (wasAlerting && alertingMs !== undefined) {
        addTally(stats.incomingAlerting, alertingMs);
        if (call.acd) addTally(stats.acdIncomingAlerting, alertingMs);
        if (cause !== 'noAnswer' && cause !== 'redirect') {
          stats.incomingAbandoned += 1;
          if (call.acd) stats.acdIncomingAbandoned += 1;
        }
      }
      if (connectedMs !== undefined) {
        if (incoming) {
          addTally(stats.incomingConnected, connectedMs);
          if (call.acd) addTally(stats.acdIncomingConnected, connectedMs);
        } else {
          addTally(stats.outgoingConnected, connectedMs);
          if (call.forQueue !== undefined) addTally(stats.acdOutgoingConnected, connectedMs);
        }
        if (!call.acd) stats.directCallMs += connectedMs;
      }
    }
    // An agent's talk time on a queue's call feeds the queue's estimated wait time.
    if (call.acd && party.userId !== undefined && party.role !== 'caller' && connectedMs !== undefined) this.cc.routing.recordHandle(call.queueId, connectedMs);
    if (party.internal) {
      const other = call.parties.find((p) => p !== party && p.role !== 'supervisor' && (p.state !== 'ended' || p.endedAt === now)) ?? call.parties.find((p) => p !== party);
      const rec: Omit<HistoryRecord, 'at'> & { at: number } = {
        recordType: 'call',
        reference: call.reference,
        deviceNumber: party.number,
        isOutgoing: party.role === 'caller',
        isConnected: connectedMs !== undefined,
        cause,
        at: party.joinedAt,
      };
      if (party.userId !== undefined) rec.userId = party.userId;
      if (other) {
        rec.otherParty = other.number;
        const entry = this.cc.directory.lookup(other.number, party.userId);
        if (entry) rec.otherName = entry.name;
      }
      if (alertingMs !== undefined) rec.alertingMs = alertingMs;
      if (connectedMs !== undefined) rec.connectedMs = connectedMs;
      this.cc.addHistory(rec);
    }
  }

  /**
   * After an agent's last call: wrap-up after an answered ACD call (a queue with `restSec` instead rests the agent
   * from its contacts, routing/members.ts), else back to the state before the call.
   */
  afterAgentLeft(call: Call, party: Party): void {
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
    const handled = call.acd && party.connectedAt !== undefined && party.role !== 'caller';
    if (agent && handled) this.cc.routing.contactEnded(call.queueId, agent.userId);
    if (!agent || agent.state !== 'busy' || this.p.reg.agentOnCall(agent)) return;
    const pending = agent.pendingState;
    delete agent.pendingState;
    if (handled && this.cc.queues.get(call.queueId ?? '')?.restSec === undefined) {
      this.cc.changeAgentState(agent, 'workingAfterCall');
      if (pending) agent.pendingState = pending;
      return;
    }
    this.cc.changeAgentState(agent, pending ?? 'ready');
  }

  /**
   * Ends a call for everyone still in it. `by` is the party whose departure ended it (the others are dropped by the
   * other party). A consultation merged into a conference ends here too, reported as `merged` into `mergedInto`.
   */
  endCall(call: Call, cause: CallCause, by?: Party, mergedInto?: string): void {
    if (call.state === 'ended') return;
    const { reg } = this.p;
    const now = this.cc.now();
    this.p.acd.removeFromQueue(call);
    const qs = call.acd ? this.cc.queueStatsOf(call.queueId) : undefined;
    if (qs) {
      if (cause === 'abandoned') {
        const waited = now - (call.queuedAt ?? call.createdAt);
        const onAgent = call.parties.some((p) => p.internal && p.state === 'alerting');
        countAbandoned(qs, onAgent, waited, this.cc.immediateAbandonMs(call.queueId));
      }
      if (call.answeredAt !== undefined) addTally(qs.connected, now - call.answeredAt);
    }
    for (const p of call.parties) {
      if (!ACTIVE.has(p.state)) continue;
      this.closeParty(call, p, by ? 'droppedByOtherParty' : cause, now);
      if (p.internal) reg.untrack(p.number, call);
      this.afterAgentLeft(call, p);
    }
    reg.clearTimers(call);
    const stoppedRecordings = this.p.recordings.finishWithCall(call);
    call.monitors = [];
    call.state = 'ended';
    call.endedAt = now;
    call.cause = cause;
    reg.forget(call);
    for (const other of reg.values()) if (other.consultFor === call.id) delete other.consultFor;
    reg.emit(mergedInto !== undefined ? 'merged' : 'ended', call, by ? [by] : [], {
      cause,
      ...(by ? { actor: by.number } : {}),
      ...(mergedInto !== undefined ? { related: mergedInto } : {}),
      ...(stoppedRecordings.length > 0 ? { stoppedRecordings } : {}),
    });
  }
}
