/**
 * One call list's tries at its customers, from dialling to the outcome: the call placed from the originator device
 * (with the entry's agent as the call's preferred or forced agent), the no-answer timeout, retries, and an answered
 * customer handed on into the list's queue by a blind transfer (Telephony.transferToQueue), where the core's routing
 * module offers them to an agent. The core's call events tell each try's fate.
 */
import type { ContactCenter } from '../center.js';
import type { CallEvent } from '../events.js';
import type { Queue } from '../model.js';
import { addTally } from '../stats.js';
import { entryView, type Entry } from './entry.js';
import type { CallListOptions, DialerStats, Outcome } from './types.js';

export interface AttemptHost {
  readonly options: CallListOptions;
  readonly queue: Queue;
  readonly stats: DialerStats;
  /** Something changed: tick soon. */
  soon(): void;
  /** A timer the list clears when it stops. */
  later(ms: number, fn: () => void): void;
}

export class Attempts {
  private readonly byCall = new Map<string, Entry>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly host: AttemptHost,
  ) {}

  /** Places a try; false when the PBX refused it (the entry is tried again later). */
  dial(e: Entry): boolean {
    const { cc } = this;
    const opts = this.host.options;
    const stats = this.host.stats;
    const agent = e.req.agent;
    try {
      const call = cc.telephony.makeCall(opts.originator, e.req.number, {
        ...(opts.farEnd ? { externalAnswerMs: opts.farEnd(e.req.number) } : {}),
        attached: { ...opts.attached, ...e.req.attached },
        ...(agent && !agent.only ? { preferredAgent: agent.userId } : {}),
        ...(agent?.only ? { forcedAgent: { userId: agent.userId } } : {}),
      });
      e.callId = call.id;
      e.state = 'dialling';
      this.byCall.set(call.id, e);
    } catch {
      // Refused by the PBX (link down, the entry's agent logged off …): not a try at the customer; again later.
      this.failed(e);
      return false;
    }
    if (e.tries > 0) stats.retried += 1;
    e.tries += 1;
    stats.originated += 1;
    const callId = e.callId;
    e.timer = cc.clock.setTimeout(() => {
      // TelServices noAnswerTimeout: "the call to a customer is cleared automatically if not answered".
      if (e.state === 'dialling' && e.callId === callId) this.clear(e, true);
    }, opts.noAnswerSec * 1000);
    return true;
  }

  /** Clears the entry's call; `counts`: a failed try, else the try is given back (suspend, stop). */
  clear(e: Entry, counts: boolean): void {
    this.cc.clock.clearTimeout(e.timer);
    if (e.callId !== undefined) {
      this.byCall.delete(e.callId);
      this.hangUp(e.callId);
    }
    delete e.callId;
    if (counts) return this.failed(e);
    e.tries = Math.max(0, e.tries - 1);
    e.state = 'pending';
    e.retryAt = this.cc.now();
  }

  /**
   * A customer answered: into the queue when an agent can take them now or there is room to wait (the queue's
   * maxWaiting), else cleared and called again later (a routed-to-failure try).
   */
  handOn(e: Entry): void {
    const callId = e.callId;
    const call = callId !== undefined ? this.cc.telephony.findCall(callId) : undefined;
    if (!call || callId === undefined) return;
    const { queue, stats } = this.host;
    if (!this.cc.routing.hasRoom(queue, call.routing)) {
      stats.routedToFailure += 1;
      return this.clear(e, true);
    }
    e.state = 'waiting';
    try {
      this.cc.telephony.transferToQueue(this.host.options.originator, queue.id, callId);
    } catch {
      stats.routedToFailure += 1;
      return this.clear(e, true);
    }
    // Still waiting once the routing module had its chance: no agent took the customer at once.
    if (e.state === 'waiting' && this.cc.routing.position(queue.id, callId) > 0) e.queuedAt ??= this.cc.now();
  }

  settle(e: Entry, outcome: Outcome): void {
    e.state = 'done';
    e.outcome = outcome;
    e.settledAt = this.cc.now();
    this.cc.clock.clearTimeout(e.timer);
    const v = entryView(e);
    e.resolve?.(v);
    this.host.options.onOutcome?.(v);
  }

  /** The list stops: a customer still waiting for one of its agents is cleared. */
  cancelWaiting(e: Entry): void {
    if (e.callId === undefined) return;
    this.byCall.delete(e.callId);
    this.hangUp(e.callId);
    this.settle(e, 'cancelled');
  }

  /** A call event of one of this list's calls (others are ignored). */
  onCallEvent(ev: CallEvent): void {
    const e = this.byCall.get(ev.call.id);
    if (!e) return;
    const now = this.cc.now();
    const { stats } = this.host;
    const party = ev.call.parties.find((p) => ev.legs.includes(p.legId));
    switch (ev.change) {
      case 'answered':
        if (e.state === 'dialling' && ev.call.parties.some((p) => p.number === e.req.number && p.state === 'connected')) {
          this.cc.clock.clearTimeout(e.timer);
          e.state = 'answered';
          e.answeredAt = now;
          stats.connected.count += 1;
          this.host.soon();
        }
        return;
      case 'alerting':
        if (e.state !== 'waiting' || party?.userId === undefined) return;
        e.state = 'offered';
        e.userId = party.userId;
        stats.routedToAgent += 1;
        if (e.queuedAt !== undefined) addTally(stats.queued, now - e.queuedAt);
        delete e.queuedAt;
        return;
      case 'requeued':
        // The agent let the customer ring out or declined: waiting again.
        if (e.state === 'offered') {
          e.state = 'waiting';
          e.queuedAt = now;
        }
        return;
      case 'transferred':
        if (e.state !== 'offered') return;
        stats.performed += 1;
        if (party?.userId !== undefined) e.userId = party.userId;
        this.settle(e, 'connected');
        return;
      case 'ended':
        return this.ended(e, ev, now);
      default:
        return;
    }
  }

  private ended(e: Entry, ev: CallEvent, now: number): void {
    const { stats, queue, options } = this.host;
    this.byCall.delete(ev.call.id);
    this.cc.clock.clearTimeout(e.timer);
    const customer = ev.call.parties.find((p) => p.number === e.req.number);
    if (e.answeredAt !== undefined && customer?.connectedAt !== undefined) stats.connected.totalMs += (customer.endedAt ?? now) - customer.connectedAt;
    // The agent rests after the call (the queue's restSec, kept by the routing module): dial again when it is over.
    const rest = queue.restSec ?? 0;
    if (rest > 0 && ev.call.parties.some((p) => p.userId !== undefined && queue.members.includes(p.userId))) this.host.later(rest * 1000, () => this.host.soon());
    if (e.state === 'answered' || e.state === 'waiting') {
      const waited = now - (e.queuedAt ?? now);
      if (waited < (options.immediateAbandonSec ?? 0) * 1000) stats.abandonedImmediately += 1;
      else stats.abandonedInQueue += 1;
      this.settle(e, 'abandoned');
    } else if (e.state === 'offered') {
      stats.abandonedOnAgent += 1;
      this.settle(e, 'abandoned');
    } else if (e.state === 'dialling') {
      delete e.callId;
      return this.failed(e);
    }
    this.host.soon();
  }

  /** A try failed: again after the retry delay, or given up (`unanswered`), or past its window (`expired`). */
  private failed(e: Entry): void {
    const opts = this.host.options;
    if (e.tries > opts.retryLimit) {
      this.host.stats.failed += 1;
      this.settle(e, 'unanswered');
    } else {
      e.state = 'pending';
      e.retryAt = this.cc.now() + opts.retryDelaySec * 1000;
      if (e.req.notAfter !== undefined && e.retryAt >= e.req.notAfter) this.settle(e, 'expired');
    }
    this.host.soon();
  }

  private hangUp(callId: string): void {
    try {
      this.cc.telephony.drop(this.host.options.originator, callId);
    } catch {
      // The originator already left (the customer was handed on): the customer hangs up instead.
      try {
        this.cc.telephony.hangup(callId);
      } catch {
        // The call ended on its own meanwhile.
      }
    }
  }
}
