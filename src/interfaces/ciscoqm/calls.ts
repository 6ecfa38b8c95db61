/**
 * Which call a Recording API command acts on (seed 001, "Overview"). The Active Call is the call the agent is
 * connected in (a held ACD call and its consultation are both active); the Last Call is the previous active call,
 * "valid only up to the time when the next call begins", and "reset at logon" (and not counted across a logout).
 * The core knows the active calls; the last call, the calls an agent deleted and metadata sent for a call that is not
 * recorded yet are this interface's protocol state, kept from the core's events.
 */
import type { Call, ContactCenter, DomainEvent, PartyState } from '../../core/index.js';
import type { MetadataItem } from '../../store/index.js';

/** Party states of an active call: talking, or holding or held in it (seed 001 Tag: "two active calls"). */
const ACTIVE: ReadonlySet<PartyState> = new Set<PartyState>(['connected', 'hold', 'held']);

const key = (userId: string, callId: string): string => `${userId} ${callId}`;

export class AgentCalls {
  /** userId → calls the agent has been active in and not left yet (from events). */
  private readonly inCall = new Map<string, Set<string>>();
  /** The same pairs by call: the agents an ending call still counts (no walk over every agent in a call). */
  private readonly agentsOf = new Map<string, Set<string>>();
  /** userId → the last call. */
  private readonly lastCall = new Map<string, string>();
  /** Calls (`userId callId`) the agent deleted: later commands have no effect (seed 001 Delete: "precedence"). */
  private readonly deleted = new Set<string>();
  /** Metadata for an active call not recorded yet, attached if a Tag or Restart records it (else discarded). */
  private readonly pending = new Map<string, MetadataItem[]>();

  constructor(private readonly center: ContactCenter) {}

  /** The agent's active calls, the one delivered to the agent first first (seed 001 Tag). */
  active(userId: string): Call[] {
    const agent = this.center.agents.get(userId);
    if (!agent) return [];
    const t = this.center.telephony;
    const mine: { call: Call; since: number }[] = [];
    for (const call of t.callsOf(agent.extension)) {
      const party = call.parties.find((p) => p.userId === userId && ACTIVE.has(p.state));
      if (party) mine.push({ call, since: party.joinedAt });
    }
    return mine.sort((a, b) => a.since - b.since).map((m) => m.call);
  }

  /** The agent's last call (the previous active call), if any. */
  last(userId: string): string | undefined {
    return this.lastCall.get(userId);
  }

  isDeleted(userId: string, callId: string): boolean {
    return this.deleted.has(key(userId, callId));
  }

  markDeleted(userId: string, callId: string): void {
    this.deleted.add(key(userId, callId));
    this.pending.delete(key(userId, callId));
  }

  pendingMetadata(userId: string, callId: string): MetadataItem[] {
    return this.pending.get(key(userId, callId)) ?? [];
  }

  setPendingMetadata(userId: string, callId: string, items: MetadataItem[]): void {
    this.pending.set(key(userId, callId), items);
  }

  onEvent(e: DomainEvent): void {
    if (e.type === 'call') {
      const ended = e.change === 'ended' || e.change === 'merged';
      const present = new Set<string>();
      for (const p of e.call.parties) {
        if (p.userId === undefined) continue;
        present.add(p.userId);
        if (ACTIVE.has(p.state)) this.enter(p.userId, e.call.id);
        else if (p.state === 'ended') this.leave(p.userId, e.call.id, true);
      }
      // Legs moved into another call (a transfer's consulted agent) are no longer in this one: not a last call.
      if (ended) for (const userId of [...(this.agentsOf.get(e.call.id) ?? [])]) if (!present.has(userId)) this.leave(userId, e.call.id, false);
    } else if (e.type === 'agent') {
      // "The last known call is reset at logon"; the last call before a logout "will not be counted as the last call".
      if (e.state === 'loggedOff' || e.previous === 'loggedOff') this.setLast(e.userId, undefined);
    } else if (e.type === 'reset') {
      this.inCall.clear();
      this.agentsOf.clear();
      this.lastCall.clear();
      this.deleted.clear();
      this.pending.clear();
    }
  }

  /** Calls tracked, for the state snapshot. */
  snapshot(): { lastCalls: Record<string, string> } {
    return { lastCalls: Object.fromEntries(this.lastCall) };
  }

  private enter(userId: string, callId: string): void {
    let calls = this.inCall.get(userId);
    if (!calls) this.inCall.set(userId, (calls = new Set()));
    calls.add(callId);
    let agents = this.agentsOf.get(callId);
    if (!agents) this.agentsOf.set(callId, (agents = new Set()));
    agents.add(userId);
  }

  private leave(userId: string, callId: string, becomesLast: boolean): void {
    const calls = this.inCall.get(userId);
    if (!calls?.delete(callId)) return;
    if (calls.size === 0) this.inCall.delete(userId);
    const agents = this.agentsOf.get(callId);
    agents?.delete(userId);
    if (agents?.size === 0) this.agentsOf.delete(callId);
    if (becomesLast) this.setLast(userId, callId);
    else this.forget(userId, callId);
  }

  private setLast(userId: string, callId: string | undefined): void {
    const before = this.lastCall.get(userId);
    if (before !== undefined && before !== callId) this.forget(userId, before);
    if (callId === undefined) this.lastCall.delete(userId);
    else this.lastCall.set(userId, callId);
  }

  /** A call that is neither active nor last for the agent: nothing is kept about it. */
  private forget(userId: string, callId: string): void {
    if (this.inCall.get(userId)?.has(callId)) return;
    this.deleted.delete(key(userId, callId));
    this.pending.delete(key(userId, callId));
  }
}
