/**
 * The one routing module for every waiting contact, calls and work items alike: one waiting list per queue
 * (waiting.ts), agent choice (choice.ts), capacity per channel and item type (capacity.ts), forced agents with an
 * expiry, exclusions, queue figures and EWT (figures.ts). Telephony and Items own their contacts and what offering
 * one means (ringing a phone, allocating an item); they register as hosts and call the router to queue, take out and
 * dispatch.
 */
import type { ContactCenter } from '../center.js';
import type { TimerHandle } from '../clock.js';
import { CoreError } from '../errors.js';
import type { Agent, Channel, ItemChannel, Queue, RoutingInputs, Waiting } from '../model.js';
import { newRoutingInputs } from './inputs.js';
import { addTally } from '../stats.js';
import { Capacity, type TypeOptions } from './capacity.js';
import { AgentChoice } from './choice.js';
import { agentFigures, estimateWaitSec, HandleTimes, queueFigures, type AgentFigures, type QueueFigures } from './figures.js';
import { MemberState } from './members.js';
import { choiceKey, insertWaiting, NoAgentSkips, rekeyWaiting, removeWaiting, waitingPosition } from './waiting.js';

/** A call or work item as the router sees it. */
export interface Routable {
  id: string;
  routing: RoutingInputs;
  /** When its queue time started (set by the host when it first queues the contact). */
  queuedAt?: number;
}

/** What owns a kind of contact (Telephony for calls, Items for work items). */
export interface ContactHost {
  /** The contact, while it exists. */
  contact(id: string): Routable | undefined;
  /** The router chose an agent for the contact, already taken out of the waiting list: ring or allocate. */
  offer(id: string, agent: Agent, queue: Queue): void;
  /** The contact's forced agent did not take it in time (or declined it) and its creator asked it to fail. */
  forcedExpired(id: string): void;
}

type Kind = 'call' | 'item';
const kindOf = (queue: Queue): Kind => (queue.channel === 'phone' ? 'call' : 'item');
/** Handling times kept per queue for the EWT. */
const HANDLE_SAMPLES = 20;

export class Router {
  readonly capacity = new Capacity();
  private readonly members = new MemberState();
  private readonly choice: AgentChoice;
  private readonly hosts = new Map<Kind, ContactHost>();
  private readonly handles: HandleTimes;
  private readonly forcedTimers = new Map<string, TimerHandle>();
  /** `queueId|userId` → the timer that ends an agent's rest after a contact of a queue with restSec. */
  private readonly restTimers = new Map<string, TimerHandle>();
  private readonly dispatching = new Set<string>();
  private readonly again = new Set<string>();
  /** While true (a reset in progress) nothing is offered. */
  private paused = false;
  /** Bumped on every change of any waiting list, so a dispatch pass notices changes made while it offered. */
  private version = 0;

  constructor(
    private readonly cc: ContactCenter,
    defaultHandleSec: number,
  ) {
    this.choice = new AgentChoice(cc, this.capacity, this.members);
    this.handles = new HandleTimes(HANDLE_SAMPLES, defaultHandleSec * 1000);
  }

  attach(kind: Kind, host: ContactHost): void {
    this.hosts.set(kind, host);
  }

  private host(queue: Queue): ContactHost {
    const h = this.hosts.get(kindOf(queue));
    if (!h) throw new Error(`no host for ${kindOf(queue)} contacts`);
    return h;
  }

  // ------------------------------------------------------------ the waiting lists

  /**
   * Puts a contact in its queue's waiting list by priority and queue-start time. Returns false, queueing nothing,
   * when its forced agent can no longer take it and its creator asked it to fail then: the host fails the contact.
   * A forced agent whose time ran out (or who declined) with `anyAgent` is dropped: any agent may take it now.
   */
  insert(queue: Queue, c: Routable): boolean {
    const f = c.routing.forcedAgent;
    if (f && ((f.until !== undefined && this.cc.now() >= f.until) || c.routing.excluded.includes(f.userId))) {
      if (f.onExpiry === 'fail') return false;
      delete c.routing.forcedAgent;
    }
    insertWaiting(queue, { id: c.id, kind: kindOf(queue), since: c.queuedAt ?? this.cc.now(), priority: c.routing.priority }, choiceKey(c.routing));
    this.version++;
    this.armForced(queue, c);
    return true;
  }

  /** Takes a contact out of its queue (it was answered elsewhere, abandoned, cancelled …); reports the queue. */
  remove(queueId: string | undefined, id: string): void {
    this.disarmForced(id);
    const q = queueId !== undefined ? this.cc.queues.get(queueId) : undefined;
    if (!q || !removeWaiting(q, id)) return;
    this.version++;
    this.cc.emitQueue(q);
  }

  /** Takes a waiting contact out to offer it to an agent, booking its queue time. */
  take(queue: Queue, c: Routable): void {
    this.disarmForced(c.id);
    if (removeWaiting(queue, c.id)) this.version++;
    const qs = this.cc.queueStatsOf(queue.id);
    if (qs) addTally(qs.queued, this.cc.now() - (c.queuedAt ?? this.cc.now()));
  }

  /**
   * Why this agent may not take this waiting contact by hand (an agent picking it from the queue), by the rules the
   * routing pass keeps (choice.ts: a forced contact is its agent's only; membership, channel, state, room, skills),
   * or undefined when they may.
   */
  refusal(queue: Queue, c: Routable, agent: Agent): string | undefined {
    const f = c.routing.forcedAgent;
    if (f && f.userId !== agent.userId) return `the contact is forced to agent ${f.userId}`;
    return this.choice.refusal(agent, queue, c.routing);
  }

  /**
   * The agent declined the contact or let it ring out: it is never offered to them again. Called while the contact is
   * not waiting (it was offered); the next insert files it under its new choice key (waiting.ts).
   */
  exclude(r: RoutingInputs, userId: string): void {
    if (!r.excluded.includes(userId)) r.excluded.push(userId);
  }

  position(queueId: string, id: string): number {
    const q = this.cc.queues.get(queueId);
    return q ? waitingPosition(q, id) : 0;
  }

  private armForced(queue: Queue, c: Routable): void {
    const until = c.routing.forcedAgent?.until;
    if (until === undefined) return;
    this.disarmForced(c.id);
    const timer = this.cc.clock.setTimeout(() => {
      this.forcedTimers.delete(c.id);
      const f = c.routing.forcedAgent;
      if (!f || waitingPosition(queue, c.id) === 0) return;
      if (f.onExpiry === 'anyAgent') {
        delete c.routing.forcedAgent;
        rekeyWaiting(queue, c.id, choiceKey(c.routing));
        // Its entry changed key: a pass under way (this timer may fire from a listener) starts over.
        this.version++;
        this.dispatch(queue);
        return;
      }
      this.remove(queue.id, c.id);
      this.host(queue).forcedExpired(c.id);
    }, Math.max(0, until - this.cc.now()));
    this.forcedTimers.set(c.id, timer);
  }

  private disarmForced(id: string): void {
    const t = this.forcedTimers.get(id);
    if (!t) return;
    this.cc.clock.clearTimeout(t);
    this.forcedTimers.delete(id);
  }

  // ------------------------------------------------------------ dispatching

  private blocked(queue: Queue): boolean {
    if (queue.channel === 'phone') return this.cc.isDown('pbxLink');
    return queue.channel === 'openmedia' && this.cc.isDown('router');
  }

  /** Runs `fn` with dispatching paused: agents freed meanwhile are offered nothing (reset). */
  whilePaused<T>(fn: () => T): T {
    const was = this.paused;
    this.paused = true;
    try {
      return fn();
    } finally {
      this.paused = was;
    }
  }

  /** Offers waiting contacts of a queue, in order, to the agents chosen for them. */
  dispatch(queue: Queue): void {
    if (this.paused || queue.waiting.length === 0 || this.blocked(queue) || !this.choice.anyAvailable(queue)) return;
    if (this.dispatching.has(queue.id)) {
      // Re-entered while offering (a listener acted): the running pass starts over when it is done.
      this.again.add(queue.id);
      return;
    }
    this.dispatching.add(queue.id);
    try {
      do {
        this.again.delete(queue.id);
        this.pass(queue);
      } while (this.again.has(queue.id));
    } finally {
      this.dispatching.delete(queue.id);
    }
  }

  /**
   * One pass over the waiting list in order. A contact whose choice key already found no agent in this pass is
   * skipped without asking agent choice again, and the pass ends once every contact left to look at is such a one
   * (waiting.ts NoAgentSkips): with a thousand contacts forced to an agent who is away, an allocation costs a few
   * steps, not a thousand choices.
   */
  private pass(queue: Queue): void {
    const host = this.host(queue);
    const skips = new NoAgentSkips(queue);
    for (let i = 0; i < queue.waiting.length && !skips.allBlocked(queue.waiting.length - i); ) {
      const w = queue.waiting[i] as Waiting;
      if (skips.isBlocked(w)) {
        skips.leave(w);
        i++;
        continue;
      }
      const c = host.contact(w.id);
      if (!c) {
        removeWaiting(queue, w.id);
        continue;
      }
      const agent = this.choice.choose(queue, c.routing);
      if (!agent) {
        skips.leave(w);
        i++;
        continue;
      }
      this.take(queue, c);
      this.members.chosen(queue.id, agent.userId);
      const qs = this.cc.queueStatsOf(queue.id);
      if (qs) {
        if (c.routing.preferredAgent === agent.userId) qs.routedToPreferred += 1;
        else qs.routedToDistribution += 1;
      }
      const v = this.version;
      host.offer(c.id, agent, queue);
      // A listener changed a waiting list while we offered: look at this one from its start again.
      if (this.version !== v) {
        i = 0;
        skips.restart();
      }
    }
  }

  /** A newly available agent takes the longest-waiting contacts of their queues. */
  dispatchAgent(agent: Agent): void {
    for (const qid of agent.queues) {
      const q = this.cc.queues.get(qid);
      if (q && q.waiting.length > 0) this.dispatch(q);
    }
  }

  /** Every queue (of a channel): after a fault clears or a capacity changes. */
  dispatchAll(channel?: Channel): void {
    for (const q of this.cc.queues.values()) if (channel === undefined || q.channel === channel) this.dispatch(q);
  }

  // ------------------------------------------------------------ members and room

  /**
   * An agent's contact of this queue ended (they had taken it): with the queue's `restSec`, they rest from its
   * contacts that long, and its waiting contacts are offered again when the rest is over.
   */
  contactEnded(queueId: string | undefined, userId: string): void {
    const queue = queueId !== undefined ? this.cc.queues.get(queueId) : undefined;
    if (!queue?.restSec) return;
    const until = this.cc.now() + queue.restSec * 1000;
    this.members.rest(queue.id, userId, until);
    const key = `${queue.id}|${userId}`;
    this.cc.clock.clearTimeout(this.restTimers.get(key));
    this.restTimers.set(
      key,
      this.cc.clock.setTimeout(() => {
        this.restTimers.delete(key);
        if (this.cc.queues.get(queue.id) === queue) this.dispatch(queue);
      }, queue.restSec * 1000),
    );
  }

  /**
   * Members of the queue who may be offered a contact with these inputs now (none: a contact without routing
   * wishes): what a dialer paces on. `unknownQueue` for an id that names none.
   */
  available(queueId: string, inputs?: RoutingInputs): Agent[] {
    const q = this.cc.queue(queueId);
    const r = inputs ?? newRoutingInputs();
    return this.membersOf(q).filter((a) => this.choice.eligible(a, q, r));
  }

  /**
   * Whether a contact with these inputs may enter the queue now: an agent may take it at once, or fewer contacts
   * wait than the queue's `maxWaiting` (a call that finds an agent does not wait, so it never counts against the
   * limit: TelServices queueLimit "the number of calls that the queue can accept").
   */
  hasRoom(queue: Queue, inputs: RoutingInputs): boolean {
    if (queue.maxWaiting === undefined || queue.waiting.length < queue.maxWaiting) return true;
    return this.choice.choose(queue, inputs) !== undefined;
  }

  /** The queue is gone (removeQueue): what the router remembered of it goes too. */
  forgetQueue(queueId: string): void {
    this.members.forget(queueId);
    for (const [key, t] of this.restTimers) {
      if (!key.startsWith(`${queueId}|`)) continue;
      this.cc.clock.clearTimeout(t);
      this.restTimers.delete(key);
    }
  }

  // ------------------------------------------------------------ capacity

  /** One agent's capacity for a channel (`invalidArgument` unless an integer 0..1000). */
  setAgentCapacity(userId: string, channel: ItemChannel, max: number): void {
    if (!Number.isInteger(max) || max < 0 || max > 1000) throw new CoreError('invalidArgument', `capacity ${max}`);
    this.cc.agent(userId).capacity[channel] = max;
    this.dispatchAll(channel);
  }

  /**
   * Options of an item type, merged with those already set (type undefined: every type without its own). Open Media
   * SetOptions MaxNumberOfSessions and AllowDifferentTypes.
   */
  setTypeOptions(channel: ItemChannel, type: number | undefined, opts: TypeOptions): void {
    if (type !== undefined && (!Number.isInteger(type) || type < 1)) throw new CoreError('invalidArgument', `type ${type}`);
    const max = opts.maxPerAgent;
    if (max !== undefined && (!Number.isInteger(max) || max < 0 || max > 1000)) throw new CoreError('invalidArgument', `maximum ${max}`);
    this.capacity.setOptions(channel, type, opts);
    this.dispatchAll(channel);
  }

  /** Open Media ResetAllOptions: the type's options back to their defaults (type undefined: the options for every type). */
  resetTypeOptions(channel: ItemChannel, type: number | undefined): void {
    this.capacity.resetOptions(channel, type);
    this.dispatchAll(channel);
  }

  // ------------------------------------------------------------ figures

  /** A contact of the queue was handled for `ms` (talk time of a call, work time of an item). */
  recordHandle(queueId: string | undefined, ms: number): void {
    if (queueId !== undefined) this.handles.add(queueId, ms);
  }

  agentFigures(agents: Iterable<Agent>): AgentFigures {
    return agentFigures(agents);
  }

  /** Figures of one queue now (`unknownQueue` for an id or address that names none). */
  queueFigures(queueId: string): QueueFigures {
    const q = this.cc.queue(queueId);
    return queueFigures(q, this.membersOf(q), this.cc.now(), this.handles.average(q.id));
  }

  /** Estimated wait in seconds of a waiting contact (0 once it is no longer waiting) — Open Media AddRequest EWT. */
  estimatedWaitSec(queueId: string, contactId: string): number {
    const q = this.cc.queue(queueId);
    const position = waitingPosition(q, contactId);
    if (position === 0) return 0;
    return estimateWaitSec(position - 1, agentFigures(this.membersOf(q)), this.handles.average(q.id));
  }

  private membersOf(q: Queue): Agent[] {
    const out: Agent[] = [];
    for (const id of q.members) {
      const a = this.cc.agents.get(id);
      if (a) out.push(a);
    }
    return out;
  }

  /** Back to the fixture: options and handling times forgotten, no forced timer left. */
  reset(): void {
    this.shutdown();
    this.members.clear();
    this.capacity.clearOptions();
    this.handles.clear();
  }

  shutdown(): void {
    for (const t of this.forcedTimers.values()) this.cc.clock.clearTimeout(t);
    this.forcedTimers.clear();
    for (const t of this.restTimers.values()) this.cc.clock.clearTimeout(t);
    this.restTimers.clear();
  }
}
