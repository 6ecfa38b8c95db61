/**
 * Work items: e-mails, chats, action items and open media requests. They are queued like calls, allocated to an
 * agent who serves the queue and has free capacity on the channel, accepted, worked and completed; every status
 * change is kept in the item's history (Open Media status polling, ICI processing status).
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import type { ItemEvent } from './events.js';
import type { Agent, ItemChannel, ItemState, Queue, Waiting, WorkItem } from './model.js';
import { TERMINAL_ITEM_STATES } from './model.js';
import { viewItem } from './views.js';

export interface NewItem {
  channel: ItemChannel;
  queueId: string;
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  html?: boolean;
  mime?: string;
  data?: Record<string, string>;
  attached?: Record<string, string>;
  /** 1 = highest … 100. */
  priority?: number;
  preferredAgent?: string;
  /** Only the preferred agent may take it; refused if that agent is not logged on. */
  forcePreferred?: boolean;
  /** Queue time starts here (must be in the past). */
  queuedSince?: number;
  /** false: leaves no statistics while not allocated (Open Media DoNotReport). */
  report?: boolean;
  /** First chat posting. */
  text?: string;
}

export class Items {
  private readonly items = new Map<string, WorkItem>();
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly cc: ContactCenter) {}

  get(id: string): WorkItem {
    const i = this.items.get(id);
    if (!i) throw new CoreError('unknownItem', id);
    return i;
  }

  find(id: string): WorkItem | undefined {
    return this.items.get(id);
  }

  list(filter: { channel?: ItemChannel; userId?: string; queueId?: string; includeEnded?: boolean } = {}): WorkItem[] {
    return [...this.items.values()].filter(
      (i) =>
        (filter.includeEnded || !TERMINAL_ITEM_STATES.includes(i.state)) &&
        (filter.channel === undefined || i.channel === filter.channel) &&
        (filter.userId === undefined || i.userId === filter.userId) &&
        (filter.queueId === undefined || i.queueId === filter.queueId),
    );
  }

  position(item: WorkItem): number {
    return item.state === 'queued' ? this.cc.queuePosition(item.queueId, item.id) : 0;
  }

  private emit(change: ItemEvent['change'], item: WorkItem, extra: Partial<Omit<ItemEvent, 'type' | 'change' | 'item'>> = {}): void {
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'item', change, item: viewItem(item, this.position(item)), ...extra }));
  }

  private setState(item: WorkItem, state: ItemState): void {
    item.state = state;
    item.history.push({
      state,
      at: this.cc.now(),
      ...(item.userId !== undefined ? { userId: item.userId } : {}),
      queueId: item.queueId,
      queuePosition: this.position(item),
    });
  }

  create(n: NewItem): WorkItem {
    const queue = this.cc.queue(n.queueId);
    if (queue.channel !== n.channel) throw new CoreError('invalidArgument', `queue ${queue.id} does not take ${n.channel}`);
    if (n.channel === 'openmedia') this.cc.assertUp('router');
    if (!queue.open) throw new CoreError('queueClosed', queue.id);
    if (n.forcePreferred) {
      const pref = n.preferredAgent ? this.cc.findAgent(n.preferredAgent) : undefined;
      if (!pref || pref.state === 'loggedOff') throw new CoreError('agentLoggedOff', n.preferredAgent ?? '');
    }
    const now = this.cc.now();
    const item: WorkItem = {
      id: this.cc.ids.guid(),
      channel: n.channel,
      queueId: queue.id,
      state: 'queued',
      priority: n.priority ?? 50,
      createdAt: now,
      history: [],
      postings: [],
      data: { ...(n.data ?? {}) },
      attached: { ...(n.attached ?? {}) },
      report: n.report ?? true,
      timers: new Map(),
    };
    for (const k of ['from', 'to', 'subject', 'body', 'html', 'mime'] as const) if (n[k] !== undefined) Object.assign(item, { [k]: n[k] });
    if (n.text !== undefined && n.from !== undefined) item.postings.push({ at: now, from: n.from, text: n.text, system: false });
    this.items.set(item.id, item);
    this.emit('created', item);
    this.enqueue(item, queue, n.queuedSince, n.preferredAgent, n.forcePreferred);
    return item;
  }

  private enqueue(item: WorkItem, queue: Queue, since?: number, preferredAgent?: string, forcePreferred?: boolean): void {
    const now = this.cc.now();
    item.queueId = queue.id;
    item.queuedAt = since ?? now;
    delete item.userId;
    const w: Waiting = { id: item.id, kind: 'item', since: item.queuedAt, priority: item.priority };
    if (preferredAgent) w.preferredAgent = preferredAgent;
    if (forcePreferred) w.forcePreferred = true;
    const at = queue.waiting.findIndex((x) => x.priority > w.priority || (x.priority === w.priority && x.since > w.since));
    if (at < 0) queue.waiting.push(w);
    else queue.waiting.splice(at, 0, w);
    this.waiting.set(item.id, w);
    const qs = this.cc.queueStatsOf(queue.id);
    if (qs && item.report) qs.offered += 1;
    this.setState(item, 'queued');
    this.emit('queued', item);
    this.cc.emitQueue(queue);
    this.dispatch(queue);
  }

  private load(agent: Agent, channel: ItemChannel): number {
    let n = 0;
    for (const i of this.items.values()) if (i.userId === agent.userId && i.channel === channel && !TERMINAL_ITEM_STATES.includes(i.state)) n++;
    return n;
  }

  private pickAgent(queue: Queue, channel: ItemChannel, w: Waiting): Agent | undefined {
    const fits = (a: Agent) => a.queues.includes(queue.id) && this.cc.isAvailable(a, channel) && this.load(a, channel) < a.capacity[channel];
    if (w.preferredAgent) {
      const p = this.cc.findAgent(w.preferredAgent);
      if (p && fits(p)) return p;
      if (w.forcePreferred) return undefined;
    }
    let best: Agent | undefined;
    let bestLoad = Infinity;
    for (const uid of queue.members) {
      const a = this.cc.agents.get(uid);
      if (!a || !fits(a)) continue;
      const load = this.load(a, channel);
      if (load < bestLoad || (load === bestLoad && best && a.idleSince < best.idleSince)) {
        best = a;
        bestLoad = load;
      }
    }
    return best;
  }

  dispatch(queue: Queue): void {
    if (queue.channel === 'openmedia' && this.cc.isDown('router')) return;
    for (let i = 0; i < queue.waiting.length; ) {
      const w = queue.waiting[i];
      const item = w ? this.items.get(w.id) : undefined;
      if (!w || !item || queue.channel === 'phone') {
        i++;
        continue;
      }
      const agent = this.pickAgent(queue, item.channel, w);
      if (!agent) {
        i++;
        continue;
      }
      queue.waiting.splice(i, 1);
      this.waiting.delete(item.id);
      this.allocate(item, agent, queue);
    }
  }

  private allocate(item: WorkItem, agent: Agent, queue: Queue): void {
    item.userId = agent.userId;
    item.allocatedAt = this.cc.now();
    this.setState(item, 'allocated');
    const stats = this.cc.statsOf(agent.userId);
    if (stats) stats.itemsOffered += 1;
    const qs = this.cc.queueStatsOf(queue.id);
    if (qs && item.queuedAt !== undefined) qs.queued.count += 1;
    this.emit('allocated', item);
    this.cc.emitQueue(queue);
    this.setTimer(item, 'offer', queue.ringTimeoutSec * 1000, () => {
      if (item.state === 'allocated' && item.userId === agent.userId) this.reject(item.id, agent.userId);
    });
  }

  private setTimer(item: WorkItem, key: string, ms: number, fn: () => void): void {
    this.cc.clock.clearTimeout(item.timers.get(key));
    item.timers.set(key, this.cc.clock.setTimeout(() => {
      item.timers.delete(key);
      fn();
    }, ms));
  }

  private clearTimers(item: WorkItem): void {
    for (const t of item.timers.values()) this.cc.clock.clearTimeout(t);
    item.timers.clear();
  }

  private live(id: string): WorkItem {
    const item = this.get(id);
    if (TERMINAL_ITEM_STATES.includes(item.state)) throw new CoreError('itemTerminated', id);
    return item;
  }

  /** The agent accepts an offered item (or picks one from the queue by id). */
  accept(id: string, userId?: string): WorkItem {
    const item = this.live(id);
    if (item.state === 'queued') {
      if (!userId) throw new CoreError('invalidState', 'the item is not allocated');
      const agent = this.cc.agent(userId);
      this.removeWaiting(item);
      this.allocate(item, agent, this.cc.queue(item.queueId));
    }
    if (item.state !== 'allocated') throw new CoreError('invalidState', `the item is ${item.state}`);
    if (userId && this.cc.agent(userId).userId !== item.userId) throw new CoreError('invalidState', 'the item is allocated to another agent');
    this.clearTimers(item);
    item.answeredAt = this.cc.now();
    const stats = this.cc.statsOf(item.userId);
    if (stats) stats.itemsAnswered += 1;
    this.setState(item, 'active');
    this.emit('accepted', item);
    return item;
  }

  /** The agent gives an offered item back: it is queued again for someone else. */
  reject(id: string, userId?: string): WorkItem {
    const item = this.live(id);
    if (item.state !== 'allocated' && item.state !== 'active') throw new CoreError('invalidState', `the item is ${item.state}`);
    if (userId && item.userId && this.cc.agent(userId).userId !== item.userId) throw new CoreError('invalidState', 'the item is allocated to another agent');
    this.clearTimers(item);
    const previousUserId = item.userId;
    const stats = this.cc.statsOf(previousUserId);
    if (stats && item.state === 'allocated') stats.itemsNotAnswered += 1;
    this.emit('rejected', item, previousUserId ? { previousUserId } : {});
    this.enqueue(item, this.cc.queue(item.queueId), item.queuedAt);
    return item;
  }

  /** Wrap-up of a worked item (ICI wrapUpRequired). */
  wrapUp(id: string): WorkItem {
    const item = this.live(id);
    if (item.state !== 'active') throw new CoreError('invalidState', `the item is ${item.state}`);
    this.setState(item, 'wrapUp');
    this.emit('wrapUp', item);
    return item;
  }

  complete(id: string): WorkItem {
    const item = this.live(id);
    if (item.state === 'queued') throw new CoreError('invalidState', 'a queued item cannot be completed');
    if (item.state === 'allocated') this.accept(id);
    this.end(item, 'completed');
    return item;
  }

  /**
   * Cancels an item (Open Media CancelRequest). An allocated item is only cancelled with `ifAllocated`; statistics
   * are skipped with `report: false` only while it was never allocated.
   */
  cancel(id: string, opts: { ifAllocated?: boolean; report?: boolean } = {}): WorkItem {
    const item = this.live(id);
    if (item.state !== 'queued' && !opts.ifAllocated) throw new CoreError('invalidState', 'the item is already allocated');
    if (opts.report === false && item.state === 'queued') item.report = false;
    const qs = this.cc.queueStatsOf(item.queueId);
    if (qs && item.report) {
      if (item.state === 'queued' || item.state === 'allocated') qs.abandonedInQueue += 1;
      else qs.completed += 1;
    }
    const stats = this.cc.statsOf(item.userId);
    if (stats && item.state === 'allocated') stats.itemsNotAnswered += 1;
    this.end(item, 'cancelled');
    return item;
  }

  fail(id: string): WorkItem {
    const item = this.live(id);
    this.end(item, 'failed');
    return item;
  }

  /** Router lost: every incomplete item of the channel fails (Open Media 5.5 rule 7). */
  failAll(channel: ItemChannel): void {
    for (const item of this.items.values()) if (item.channel === channel && !TERMINAL_ITEM_STATES.includes(item.state)) this.end(item, 'failed');
  }

  private end(item: WorkItem, state: 'completed' | 'failed' | 'cancelled'): void {
    this.clearTimers(item);
    this.removeWaiting(item);
    item.endedAt = this.cc.now();
    const qs = this.cc.queueStatsOf(item.queueId);
    if (qs && state === 'completed' && item.report) qs.completed += 1;
    if (qs && state === 'cancelled') qs.cancelled += 1;
    this.setState(item, state);
    this.emit(state, item);
    const agent = item.userId ? this.cc.agents.get(item.userId) : undefined;
    if (agent) for (const qid of agent.queues) {
      const q = this.cc.queues.get(qid);
      if (q && q.channel === item.channel && q.waiting.length > 0) this.dispatch(q);
    }
  }

  private removeWaiting(item: WorkItem): void {
    const w = this.waiting.get(item.id);
    if (!w) return;
    this.waiting.delete(item.id);
    const q = this.cc.queues.get(item.queueId);
    if (!q) return;
    const i = q.waiting.indexOf(w);
    if (i >= 0) q.waiting.splice(i, 1);
    this.cc.emitQueue(q);
  }

  /** Moves the item to another queue; an allocated item is taken from its agent without confirmation. */
  divert(id: string, queueId: string): WorkItem {
    const item = this.live(id);
    const target = this.cc.queue(queueId);
    if (target.channel !== item.channel) throw new CoreError('invalidArgument', `queue ${target.id} does not take ${item.channel}`);
    if (!target.open) throw new CoreError('queueClosed', target.id);
    this.clearTimers(item);
    this.removeWaiting(item);
    const previousQueueId = item.queueId;
    const previousUserId = item.userId;
    const from = this.cc.queueStatsOf(previousQueueId);
    if (from) from.overflowOut += 1;
    const to = this.cc.queueStatsOf(target.id);
    if (to) to.overflowIn += 1;
    this.emit('diverted', item, { previousQueueId, ...(previousUserId ? { previousUserId } : {}) });
    this.enqueue(item, target);
    return item;
  }

  /** Changes the item's data while it is still queued (Open Media ModifyRequest). */
  modify(id: string, change: { data?: Record<string, string>; attached?: Record<string, string> }): WorkItem {
    const item = this.live(id);
    if (item.state !== 'queued') throw new CoreError('invalidState', 'only a queued, unallocated item can be modified');
    if (change.data) Object.assign(item.data, change.data);
    if (change.attached) Object.assign(item.attached, change.attached);
    this.emit('modified', item);
    return item;
  }

  setAttached(id: string, attached: Record<string, string>, replace = false): WorkItem {
    const item = this.get(id);
    item.attached = replace ? { ...attached } : { ...item.attached, ...attached };
    this.emit('modified', item);
    return item;
  }

  /** A chat posting by the customer, an agent or the system. */
  post(id: string, from: string, text: string, system = false): WorkItem {
    const item = this.live(id);
    if (item.channel !== 'chat') throw new CoreError('invalidArgument', 'not a chat');
    const posting = { at: this.cc.now(), from, text, system };
    item.postings.push(posting);
    this.emit('posting', item, { posting: { ...posting } });
    return item;
  }

  /** Forgets terminated items older than the retention (Open Media DataExpiration). */
  prune(olderThan: number): number {
    let n = 0;
    for (const [id, i] of this.items) {
      if (TERMINAL_ITEM_STATES.includes(i.state) && (i.endedAt ?? 0) < olderThan) {
        this.items.delete(id);
        n++;
      }
    }
    return n;
  }

  shutdown(): void {
    for (const i of this.items.values()) this.clearTimers(i);
  }
}
