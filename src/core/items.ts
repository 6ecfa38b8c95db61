/**
 * Work items: e-mails, chats, action items and open media requests. They wait in their queue like calls, are offered
 * (allocated) by the routing module (routing/) to an agent who serves the queue and has room for them, accepted,
 * worked and completed; every status change is kept in the item's history (Open Media status polling, ICI
 * processing status). An agent who rejects an item or lets its offer time out is never offered it again; an agent who
 * logs off gives back the items offered to them and not accepted, which wait in their place again. An agent with an
 * automatic driver accepts an item `answerAfterSec` after it is offered and completes it `talkSec` after accepting.
 * Statistics: item-stats.ts.
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import type { ItemEvent } from './events.js';
import type { Agent, ItemChannel, ItemState, Queue, WorkItem } from './model.js';
import { TERMINAL_ITEM_STATES } from './model.js';
import { chosenItemId } from './ids.js';
import { ItemStats } from './item-stats.js';
import { ItemTimers } from './item-timers.js';
import { EndedItems } from './item-retention.js';
import { routingInputs, type RoutingRequest } from './routing/inputs.js';
import type { ContactHost } from './routing/router.js';
import { viewItem } from './views.js';

export { ENDED_ITEMS_KEPT } from './item-retention.js';

/** A new work item. The routing requests (priority, skills, preferredAgent, forcedAgent, queueStart, type) stay with it. */
export interface NewItem extends RoutingRequest {
  /** The item's id instead of a generated one; `duplicateId` while an item with it is known (open, or ended and not yet forgotten). */
  id?: string;
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
  /** First chat posting. */
  text?: string;
}

export class Items implements ContactHost {
  private readonly items = new Map<string, WorkItem>();
  private readonly ended = new EndedItems(this.items);
  private readonly stats: ItemStats;
  private readonly timers: ItemTimers;

  constructor(private readonly cc: ContactCenter) {
    this.stats = new ItemStats(cc);
    this.timers = new ItemTimers(cc.clock);
    cc.routing.attach('item', this);
  }

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

  /** 1-based position in its queue while queued, else 0 (Open Media QueuePosition). */
  position(item: WorkItem): number {
    return item.state === 'queued' ? this.cc.routing.position(item.queueId, item.id) : 0;
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

  /**
   * A new item in its queue, allocated at once when an agent can take it. Refused, changing nothing: `unknownQueue`,
   * `invalidArgument` (the queue takes another channel, a bad routing value or id), `queueClosed`, `routerDown` (open
   * media while the router is disconnected), `unknownAgent`, `agentLoggedOff` (a forced agent logged off),
   * `duplicateId`.
   */
  create(n: NewItem): WorkItem {
    const queue = this.cc.queue(n.queueId);
    if (queue.channel !== n.channel) throw new CoreError('invalidArgument', `queue ${queue.id} does not take ${n.channel}`);
    if (n.channel === 'openmedia') this.cc.assertUp('router');
    if (!queue.open) throw new CoreError('queueClosed', queue.id);
    const routing = routingInputs(this.cc, n);
    const id = n.id !== undefined ? chosenItemId(n.id, (x) => this.items.has(x)) : this.cc.ids.guid();
    const now = this.cc.now();
    const item: WorkItem = {
      id,
      channel: n.channel,
      queueId: queue.id,
      state: 'queued',
      routing,
      createdAt: now,
      history: [],
      postings: [],
      data: { ...(n.data ?? {}) },
      attached: { ...(n.attached ?? {}) },
      timers: new Map(),
    };
    for (const k of ['from', 'to', 'subject', 'body', 'html', 'mime'] as const) if (n[k] !== undefined) Object.assign(item, { [k]: n[k] });
    if (n.text !== undefined && n.from !== undefined) item.postings.push({ at: now, from: n.from, text: n.text, system: false });
    this.items.set(item.id, item);
    this.emit('created', item);
    this.enqueue(item, queue, routing.queueStart ?? now, true);
    return item;
  }

  /**
   * The item waits in `queue` from `since` (a rejected item keeps its time, a diverted one starts again); `offered`:
   * it enters the queue (created, diverted in) rather than going back to it.
   */
  private enqueue(item: WorkItem, queue: Queue, since: number, offered: boolean): void {
    item.queueId = queue.id;
    item.queuedAt = since;
    delete item.userId;
    if (!this.cc.routing.insert(queue, item)) {
      this.end(item, 'failed');
      return;
    }
    if (offered) this.stats.offered(item, queue.id);
    this.setState(item, 'queued');
    this.emit('queued', item);
    this.cc.emitQueue(queue);
    this.cc.routing.dispatch(queue);
  }

  contact(id: string): WorkItem | undefined {
    const item = this.items.get(id);
    return item && item.state === 'queued' ? item : undefined;
  }

  offer(id: string, agent: Agent, queue: Queue): void {
    const item = this.items.get(id);
    if (item) this.allocate(item, agent, queue);
  }

  /** Open Media ForceToPreferredAgent: an item its agent did not take in time is rejected, never given to another. */
  forcedExpired(id: string): void {
    const item = this.items.get(id);
    if (item && !TERMINAL_ITEM_STATES.includes(item.state)) this.end(item, 'failed');
  }

  private allocate(item: WorkItem, agent: Agent, queue: Queue): void {
    item.userId = agent.userId;
    item.allocatedAt = this.cc.now();
    this.cc.routing.capacity.assign(item.id, agent.userId, item.channel, item.routing.type);
    this.setState(item, 'allocated');
    this.stats.allocated(item);
    this.emit('allocated', item);
    this.cc.itemsChanged(agent.userId);
    this.cc.emitQueue(queue);
    this.timers.set(item, 'offer', queue.ringTimeoutSec * 1000, () => {
      if (item.state === 'allocated' && item.userId === agent.userId) this.reject(item.id, agent.userId);
    });
    this.drive(item);
  }

  /** The automatic driver of the item's agent, if any, takes its next step on it (item-timers.ts). */
  private drive(item: WorkItem): void {
    const driver = item.userId === undefined ? undefined : this.cc.agents.get(item.userId)?.driver;
    this.timers.drive(item, driver, { accept: (userId) => this.accept(item.id, userId), complete: () => this.complete(item.id) });
  }

  /** The agent's driver was given or taken away: what they are offered or working is driven from now (or no longer). */
  driverChanged(userId: string): void {
    for (const item of this.items.values()) if (item.userId === userId && !TERMINAL_ITEM_STATES.includes(item.state)) this.drive(item);
  }

  private live(id: string): WorkItem {
    const item = this.get(id);
    if (TERMINAL_ITEM_STATES.includes(item.state)) throw new CoreError('itemTerminated', id);
    return item;
  }

  /**
   * The agent accepts an offered item (or picks one from the queue by id). `invalidState` when the item is not
   * offered to them, or, picked from the queue, when routing would not give it to them (Router.refusal says why).
   */
  accept(id: string, userId?: string): WorkItem {
    const item = this.live(id);
    if (item.state === 'queued') {
      if (!userId) throw new CoreError('invalidState', 'the item is not allocated');
      const agent = this.cc.agent(userId);
      const queue = this.cc.queue(item.queueId);
      // Picked by hand, the item keeps the routing rules: never past a forced agent, a missing skill or a full agent.
      const refusal = this.cc.routing.refusal(queue, item, agent);
      if (refusal) throw new CoreError('invalidState', refusal);
      this.cc.routing.take(queue, item);
      this.allocate(item, agent, queue);
    }
    if (item.state !== 'allocated') throw new CoreError('invalidState', `the item is ${item.state}`);
    if (userId && this.cc.agent(userId).userId !== item.userId) throw new CoreError('invalidState', 'the item is allocated to another agent');
    this.timers.clear(item);
    item.answeredAt = this.cc.now();
    this.stats.answered(item);
    this.setState(item, 'active');
    this.emit('accepted', item);
    this.drive(item);
    return item;
  }

  /** The agent gives an offered item back: it is queued again, in its place, for someone else. */
  reject(id: string, userId?: string): WorkItem {
    const item = this.live(id);
    if (item.state !== 'allocated' && item.state !== 'active') throw new CoreError('invalidState', `the item is ${item.state}`);
    if (userId && item.userId && this.cc.agent(userId).userId !== item.userId) throw new CoreError('invalidState', 'the item is allocated to another agent');
    this.giveBack(item, true);
    return item;
  }

  /**
   * The agent logged off: every item offered to them and not yet accepted goes back to its queue at once, in its
   * place. They are not excluded from it (that is for rejecting or ringing out): a forced item waits for them as usual.
   */
  withdrawOffers(userId: string): void {
    for (const item of this.items.values()) if (item.state === 'allocated' && item.userId === userId) this.giveBack(item, false);
  }

  /** An item's agent gives it back (`exclude`: never offered to them again): queued in its place, or failed if forced to them. */
  private giveBack(item: WorkItem, exclude: boolean): void {
    this.timers.clear(item);
    const previousUserId = item.userId;
    this.cc.routing.capacity.release(item.id);
    if (previousUserId && exclude) this.cc.routing.exclude(item.routing, previousUserId);
    this.stats.requeued(item);
    this.emit('rejected', item, previousUserId ? { previousUserId } : {});
    this.cc.itemsChanged(previousUserId);
    this.enqueue(item, this.cc.queue(item.queueId), item.queuedAt ?? this.cc.now(), false);
    // Requeued, or failed (forced to the agent who gave it back): either way that agent's room is free for others.
    this.roomAgain(previousUserId, item.channel);
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
   * Cancels an item (Open Media CancelRequest). An allocated item is only cancelled with `ifAllocated`; `report: false`
   * (Open Media DoNotReport) for an item never allocated leaves no queue statistics at all (item-stats.ts).
   */
  cancel(id: string, opts: { ifAllocated?: boolean; report?: boolean } = {}): WorkItem {
    const item = this.live(id);
    if (item.state !== 'queued' && !opts.ifAllocated) throw new CoreError('invalidState', 'the item is already allocated');
    this.stats.cancelled(item, opts.report !== false);
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
    this.timers.clear(item);
    if (item.state === 'queued') this.cc.routing.remove(item.queueId, item.id);
    const holder = this.cc.routing.capacity.release(item.id);
    const now = this.cc.now();
    item.endedAt = now;
    this.stats.ended(item, state);
    if (state === 'completed' && item.answeredAt !== undefined) this.cc.routing.recordHandle(item.queueId, now - item.answeredAt);
    this.setState(item, state);
    this.emit(state, item);
    this.cc.itemsChanged(holder);
    this.roomAgain(holder, item.channel);
    this.ended.add(item.id);
  }

  /** The agent has room again: their queues of the channel may have an item for them. */
  private roomAgain(userId: string | undefined, channel: ItemChannel): void {
    const agent = userId !== undefined ? this.cc.agents.get(userId) : undefined;
    if (agent) for (const qid of agent.queues) {
      const q = this.cc.queues.get(qid);
      if (q && q.channel === channel) this.cc.routing.dispatch(q);
    }
  }

  /**
   * Moves the item to another queue, where it waits from now; an allocated item is taken from its agent without
   * confirmation. A forced item waits for its agent there `forcedTimeoutSec` from now (given: the time starts again in
   * the new queue; absent: it keeps its deadline). Refused, changing nothing: `unknownQueue`, `invalidArgument` (the
   * queue takes another channel, or its forced agent does not serve it: it could only fail there), `queueClosed`.
   */
  divert(id: string, queueId: string, opts: { forcedTimeoutSec?: number } = {}): WorkItem {
    const item = this.live(id);
    const target = this.cc.queue(queueId);
    if (target.channel !== item.channel) throw new CoreError('invalidArgument', `queue ${target.id} does not take ${item.channel}`);
    const forced = item.routing.forcedAgent;
    if (forced && !target.members.includes(forced.userId)) throw new CoreError('invalidArgument', `the item is forced to agent ${forced.userId}, who does not serve queue ${target.id}`);
    if (!target.open) throw new CoreError('queueClosed', target.id);
    if (forced && opts.forcedTimeoutSec !== undefined) forced.until = this.cc.now() + opts.forcedTimeoutSec * 1000;
    this.timers.clear(item);
    if (item.state === 'queued') this.cc.routing.remove(item.queueId, item.id);
    const holder = this.cc.routing.capacity.release(item.id);
    const previousQueueId = item.queueId;
    const previousUserId = item.userId;
    this.stats.diverted(item, previousQueueId, target.id);
    this.emit('diverted', item, { previousQueueId, ...(previousUserId ? { previousUserId } : {}) });
    if (holder !== undefined) this.cc.itemsChanged(holder);
    this.enqueue(item, target, this.cc.now(), true);
    return item;
  }

  /** Changes the item's data while it is still queued (Open Media ModifyRequest). */
  modify(id: string, change: { data?: Record<string, string>; attached?: Record<string, string> }): WorkItem {
    const item = this.live(id);
    if (item.state !== 'queued') throw new CoreError('invalidState', 'only a queued, unallocated item can be modified');
    // Spread defines each key as an own member (Object.assign would run the __proto__ setter and drop that key).
    if (change.data) item.data = { ...item.data, ...change.data };
    if (change.attached) item.attached = { ...item.attached, ...change.attached };
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

  /** How many ended items are kept (whole, with their history), the oldest forgotten first. */
  get endedKept(): number {
    return this.ended.size;
  }

  /**
   * Forgets an ended item now, as if ENDED_ITEMS_KEPT more had ended since: its id is free again (Open Media's restart
   * clears its history and starts OpenMediaIDs at 1). False, forgetting nothing, for an unknown or open item.
   */
  forget(id: string): boolean {
    return this.ended.forget(id);
  }

  /** Reset: every open item is cancelled (one event each), then every item is forgotten. Returns how many were open. */
  reset(): number {
    let n = 0;
    for (const item of this.items.values()) {
      if (TERMINAL_ITEM_STATES.includes(item.state)) continue;
      this.end(item, 'cancelled');
      n++;
    }
    this.items.clear();
    this.ended.clear();
    this.stats.clear();
    return n;
  }

  shutdown(): void {
    for (const i of this.items.values()) this.timers.clear(i);
  }
}
