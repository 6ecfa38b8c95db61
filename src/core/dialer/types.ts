/**
 * The outbound dialer's vocabulary: what a call list is made of (CallListOptions, EntryRequest), what it reports
 * (EntryView, ListState, DialerStats). Protocol-free: TelServices campaigns and ICI callbacks fill these from their
 * own wire terms.
 */
import type { Distribution } from '../model.js';
import type { Tally } from '../stats.js';
import type { Schedule } from './schedule.js';

/** A call list's own queue: its answered customers wait there for these agents only. */
export interface ListQueue {
  /** User ids, in the order `linear` and `circular` try them. Unknown ones are left out. */
  agents: string[];
  /** The queue's name (what interfaces show for it, e.g. QMI's BUserName); default the list's id. */
  name?: string;
  /** Default `longestIdle`. */
  distribution?: Distribution;
  /** Seconds an agent gets no call of this list after one ends (they stay ready: Queue.restSec). Default 0. */
  restSec?: number;
}

export interface CallListOptions {
  /** Unique among the dialer's lists (a TelServices service name, an ICI callback list name). */
  id: string;
  /** The device that places the calls (a routing point); made a multi-line device, created when missing. */
  originator: string;
  /**
   * Where answered customers wait for an agent, in the core's routing module: an existing phone queue (id or number),
   * or the list's own queue (`ListQueue`: id `dialer:<id>`, number = the originator), made now
   * and removed when the list stops.
   */
  queue: string | ListQueue;
  /** When the list may dial; absent: always. Customers who answer are handed on even outside it. */
  schedule?: Schedule;
  /** A try still ringing after this many seconds is cleared: a failed try. */
  noAnswerSec: number;
  /** Seconds between a failed try and the next one. */
  retryDelaySec: number;
  /** Tries after the first before an entry is given up (outcome `unanswered`). */
  retryLimit: number;
  /**
   * Answered customers that may wait for an agent at once, as a percentage of the queue's logged-on members (default
   * 0: a customer is dialled only for an agent free now). It paces the list (it never has more calls under way than
   * free agents plus this allowance) and, for its own queue, is the queue's `maxWaiting`.
   */
  waitingPercent?: number;
  /** An answered customer who hangs up within this many seconds of waiting is an immediate abandon. Default 0. */
  immediateAbandonSec?: number;
  /** The list stops by itself this many seconds after it was created (TelServices serviceTimeout). */
  stopAfterSec?: number;
  /**
   * How long the called party takes to answer, per number dialled: ms, negative = never (the simulated customers of
   * sim/customers.ts). Default: the center's externalAnswerMs.
   */
  farEnd?: (number: string) => number;
  /** Attached data of every call the list places (e.g. `{campaign: id}`). */
  attached?: Record<string, string>;
  /** Called once per entry when it settles (see EntryView.outcome). */
  onOutcome?: (entry: EntryView) => void;
}

/** Options a running list may change (TelServices UpdateRoutingPoint). */
export type CallListChanges = Partial<Pick<CallListOptions, 'schedule' | 'noAnswerSec' | 'retryDelaySec' | 'retryLimit' | 'waitingPercent' | 'immediateAbandonSec'>> &
  Partial<Omit<ListQueue, 'agents' | 'name'>> & {
    /** New members of the list's own queue (`invalidArgument` for a list on an existing queue). */
    agents?: string[];
  };

/** One number to call (an ICI callback: a number, a time window, an agent). */
export interface EntryRequest {
  number: string;
  /** Not dialled before this instant (epoch ms). */
  notBefore?: number;
  /** Not dialled from this instant on; an entry not reached by then settles `expired`. */
  notAfter?: number;
  /**
   * The agent to give the answered customer to: first (preferred) or, with `only`, nobody else (forced; the entry
   * is dialled only while that agent is free). They must be a member of the list's queue.
   */
  agent?: { userId: string; only?: boolean };
  /** Attached data of this entry's calls, over the list's. */
  attached?: Record<string, string>;
}

/**
 * `pending` (to dial, now or at `nextTryAt`), `dialling` (ringing the customer), `answered` (the customer answered,
 * about to be handed on), `waiting` (in the queue for an agent), `offered` (an agent's phone rings), `done`.
 */
export type EntryState = 'pending' | 'dialling' | 'answered' | 'waiting' | 'offered' | 'done';

/**
 * How an entry settled: `connected` (an agent answered the customer), `abandoned` (the customer hung up before an
 * agent answered), `unanswered` (every try failed), `expired` (its window closed first), `cancelled` (taken off the
 * list, or the list stopped, before it was reached).
 */
export type Outcome = 'connected' | 'abandoned' | 'unanswered' | 'expired' | 'cancelled';

export interface EntryView {
  id: string;
  number: string;
  state: EntryState;
  /** Tries placed so far. */
  tries: number;
  /** Epoch ms of the next try (pending). */
  nextTryAt?: number;
  notBefore?: number;
  notAfter?: number;
  /** The call of the current (or last) try. */
  callId?: string;
  /** The agent who was offered or took the customer. */
  userId?: string;
  outcome?: Outcome;
  /** Epoch ms it settled. */
  settledAt?: number;
}

/**
 * `running` (dialling), `waiting` (outside its schedule, or none of its queue's members is logged on), `suspended`,
 * `failed` (its queue has no members, or the PBX link is down), `completed` (every entry settled), `stopped`.
 */
export type ListState = 'running' | 'waiting' | 'suspended' | 'failed' | 'completed' | 'stopped';

/** A list's counters since it was created (TelServices routingPointStatistics total of an outbound point). */
export interface DialerStats {
  since: number;
  /** Entries added. */
  intended: number;
  /** Tries placed. */
  originated: number;
  /** Tries after an entry's first. */
  retried: number;
  /** Entries given up (`unanswered`). */
  failed: number;
  /** Customers who answered, and the time they were connected (ms). */
  connected: { count: number; totalMs: number };
  /** Customers an agent answered. */
  performed: number;
  /** Answered customers offered to an agent. */
  routedToAgent: number;
  /** Answered customers with no agent free and no room to wait: cleared, and tried again later. */
  routedToFailure: number;
  /** Answered customers who had to wait for an agent, and how long (until offered). */
  queued: Tally;
  abandonedInQueue: number;
  abandonedImmediately: number;
  abandonedOnAgent: number;
}
