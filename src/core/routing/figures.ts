/**
 * Queue figures as core queries: agents by state, waiting contacts and their waits, and an estimated wait time from
 * recent handling times. Interfaces read these (TelServices routing-point snapshots, ICI getPresenceQueueInfo, Open
 * Media EWT) instead of counting for themselves.
 */
import type { Agent, Channel, Queue } from '../model.js';

/** Agents counted by state. `busy` is the core's busy (on a call); `wrapUp` is workingAfterCall. */
export interface AgentFigures {
  loggedIn: number;
  loggedOff: number;
  ready: number;
  busy: number;
  wrapUp: number;
  notReady: number;
}

export interface QueueFigures extends AgentFigures {
  queueId: string;
  channel: Channel;
  open: boolean;
  /** Agents serving the queue (its members). */
  members: number;
  /** Contacts waiting to be offered. */
  waiting: number;
  /** Waits of the contacts waiting now, in ms: the longest, the average (0 when none) and the sum. */
  longestWaitMs: number;
  averageWaitMs: number;
  totalWaitMs: number;
  /** Average handling time of the queue's recent contacts (ms), the default until one was handled. */
  averageHandleMs: number;
  /** Estimated wait of a contact joining the queue now, in whole seconds (see estimateWaitSec). */
  ewtSec: number;
}

export function agentFigures(agents: Iterable<Agent>): AgentFigures {
  const f: AgentFigures = { loggedIn: 0, loggedOff: 0, ready: 0, busy: 0, wrapUp: 0, notReady: 0 };
  for (const a of agents) {
    if (a.state === 'loggedOff') {
      f.loggedOff++;
      continue;
    }
    f.loggedIn++;
    if (a.state === 'ready') f.ready++;
    else if (a.state === 'busy') f.busy++;
    else if (a.state === 'workingAfterCall') f.wrapUp++;
    else f.notReady++;
  }
  return f;
}

/**
 * Estimated wait, in seconds, of the contact with `ahead` contacts before it: none while ready agents outnumber those
 * ahead; otherwise the contacts that ready agents cannot take, plus this one, are worked off by the agents serving the
 * queue (ready, busy or wrapping up; at least one) at one average handling time each. A coarse, documented model: a
 * client gets a plausible figure that moves with load, not a forecast.
 */
export function estimateWaitSec(ahead: number, f: AgentFigures, averageHandleMs: number): number {
  if (ahead < f.ready) return 0;
  const serving = Math.max(1, f.ready + f.busy + f.wrapUp);
  return Math.ceil(((ahead - f.ready + 1) * averageHandleMs) / serving / 1000);
}

/** Figures of a queue with these members at `now` (epoch ms), its average handling time given (ms). */
export function queueFigures(q: Queue, members: Agent[], now: number, averageHandleMs: number): QueueFigures {
  const agents = agentFigures(members);
  let longest = 0;
  let total = 0;
  for (const w of q.waiting) {
    const waited = Math.max(0, now - w.since);
    total += waited;
    if (waited > longest) longest = waited;
  }
  return {
    queueId: q.id,
    channel: q.channel,
    open: q.open,
    members: members.length,
    ...agents,
    waiting: q.waiting.length,
    longestWaitMs: longest,
    averageWaitMs: q.waiting.length > 0 ? Math.round(total / q.waiting.length) : 0,
    totalWaitMs: total,
    averageHandleMs,
    ewtSec: estimateWaitSec(q.waiting.length, agents, averageHandleMs),
  };
}

/** The last handling times of each queue (a ring of `size` samples). */
export class HandleTimes {
  private readonly samples = new Map<string, number[]>();
  private readonly next = new Map<string, number>();

  constructor(
    private readonly size: number,
    private readonly defaultMs: number,
  ) {}

  add(queueId: string, ms: number): void {
    let ring = this.samples.get(queueId);
    if (!ring) {
      ring = [];
      this.samples.set(queueId, ring);
    }
    const i = this.next.get(queueId) ?? 0;
    ring[i] = Math.max(0, ms);
    this.next.set(queueId, (i + 1) % this.size);
  }

  average(queueId: string): number {
    const ring = this.samples.get(queueId);
    if (!ring || ring.length === 0) return this.defaultMs;
    return Math.round(ring.reduce((s, v) => s + v, 0) / ring.length);
  }

  clear(): void {
    this.samples.clear();
    this.next.clear();
  }
}
