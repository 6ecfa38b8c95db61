/**
 * The Open Media Service's cache (seed "Status requests" and "Data cache"): for every request its OpenMediaID, the
 * core item behind it and its status events, each with the TimeStamp it was received at, built from the core's item
 * events through ITEM_STATUS. Terminated requests (Completed, Failed, Cancelled) leave the cache `expiryMs` after
 * they terminated; a restart of the service clears it.
 *
 * TimeStamps never repeat and never fall behind a response's TimeStamp: every event gets a millisecond of its own,
 * later than every earlier event and every TimeStamp already answered (a logical clock that follows the core's clock
 * and runs ahead of it only while events come faster than one a millisecond). So a poller that asks "later than" the
 * TimeStamp of its last answer gets every event once, with millisecond precision on the wire: no duplicates, no gaps.
 *
 * A request keeps its latest EVENTS_PER_REQUEST status events: the seed sets no limit, but a client diverting one
 * request back and forth must not grow the cache without end. Older events of that request leave its history (and
 * answers "later than" a TimeStamp before them); its current status is always its latest event.
 */
import type { ContactCenter, ItemEvent, ItemState } from '../../core/index.js';
import type { OmDirectory } from './directory.js';
import { TERMINATED, type OmStatus } from './protocol.js';

/** Projection: core item change → the Open Media status it reports (others report none). */
export const ITEM_STATUS: Readonly<Partial<Record<ItemEvent['change'], OmStatus>>> = {
  queued: 'Queued',
  allocated: 'AllocatedToAgent',
  accepted: 'AgentProcessing',
  completed: 'Complete',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Projection: core item state → Open Media status now (GetOpenMediaRequestStatusByID of an item without events). */
export const STATE_STATUS: Readonly<Record<ItemState, OmStatus>> = {
  queued: 'Queued',
  allocated: 'AllocatedToAgent',
  active: 'AgentProcessing',
  wrapUp: 'AgentProcessing',
  completed: 'Complete',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Seed "OpenMediaRequest": one status update. */
export interface StatusEvent {
  id: number;
  status: OmStatus;
  /** Epoch ms, unique and increasing. */
  stamp: number;
  /** The agent's record ID for AllocatedToAgent, AgentProcessing and Complete, else 0; TenantID and LogonID follow it. */
  agentId: number;
  tenantId: number;
  logonId: string;
  serviceGroupId: number;
  /** Position in the service group's queue when the event happened (0 when not queued). */
  queuePosition: number;
}

export interface CacheEntry {
  id: number;
  itemId: string;
  events: StatusEvent[];
  terminatedAt?: number;
}

/** Status events kept per request (README "Open Media": a request's history holds its latest 100 events). */
export const EVENTS_PER_REQUEST = 100;

const AGENT_STATUSES: readonly OmStatus[] = ['AllocatedToAgent', 'AgentProcessing', 'Complete'];

export class StatusCache {
  private readonly entries = new Map<number, CacheEntry>();
  private readonly byItem = new Map<string, CacheEntry>();
  /** Every event of the cache in stamp order (events of expired entries are skipped, then compacted away). */
  private events: StatusEvent[] = [];
  private terminated: CacheEntry[] = [];
  private expiredEvents = 0;
  /** Events trimmed from their request's history (EVENTS_PER_REQUEST) still in `events` until compacted. */
  private trimmed = new WeakSet<StatusEvent>();
  private floor = 0;
  private nextId = 1;
  private liveCount = 0;

  constructor(
    private readonly cc: ContactCenter,
    private readonly dir: OmDirectory,
    private readonly expiryMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Requests that have not terminated (each holds one of the site's licenses). */
  get live(): number {
    return this.liveCount;
  }

  /** The next OpenMediaID (an xsd:int: it wraps to 1 after 2147483647, skipping IDs still in the cache). */
  allocateId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= 2147483647 ? 1 : id + 1;
      if (!this.entries.has(id)) return id;
    }
  }

  /** The request `id` is the core item `itemId`: its item events are recorded from now on. */
  register(id: number, itemId: string): CacheEntry {
    const entry: CacheEntry = { id, itemId, events: [] };
    this.entries.set(id, entry);
    this.byItem.set(itemId, entry);
    this.liveCount++;
    return entry;
  }

  /** Forgets a request that never got into the system (AddRequest refused after registering). */
  unregister(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.byItem.delete(e.itemId);
    if (e.terminatedAt === undefined) this.liveCount--;
  }

  /** A TimeStamp for an answer: every event recorded so far is at or before it, every later one after it. */
  mark(): number {
    this.floor = Math.max(this.cc.now(), this.floor);
    return this.floor;
  }

  private stamp(): number {
    this.floor = Math.max(this.cc.now(), this.floor + 1);
    return this.floor;
  }

  /** Core item event → a status event of the request, if it is one of ours and the change is reported. */
  onItemEvent(e: ItemEvent): void {
    const entry = this.byItem.get(e.item.id);
    const status = ITEM_STATUS[e.change];
    if (!entry || status === undefined || entry.terminatedAt !== undefined) return;
    const agent = AGENT_STATUSES.includes(status) && e.item.userId !== undefined ? this.dir.record(e.item.userId) : undefined;
    const ev: StatusEvent = {
      id: entry.id,
      status,
      stamp: this.stamp(),
      agentId: agent?.agentId ?? 0,
      tenantId: agent?.tenantId ?? 0,
      logonId: agent?.logonId ?? '',
      serviceGroupId: this.dir.groupOfQueue(e.item.queueId)?.id ?? 0,
      queuePosition: status === 'Queued' ? e.item.queuePosition : 0,
    };
    entry.events.push(ev);
    this.events.push(ev);
    if (entry.events.length > EVENTS_PER_REQUEST) {
      const old = entry.events.shift() as StatusEvent;
      this.trimmed.add(old);
      this.expiredEvents++;
      this.compact();
    }
    if (TERMINATED.includes(status)) {
      entry.terminatedAt = this.cc.now();
      this.terminated.push(entry);
      this.liveCount--;
    }
  }

  /** Seed "Data cache": terminated requests older than the expiration leave the cache. */
  expire(): void {
    const limit = this.cc.now() - this.expiryMs;
    let n = 0;
    while (n < this.terminated.length && (this.terminated[n]?.terminatedAt ?? Infinity) <= limit) {
      const e = this.terminated[n++] as CacheEntry;
      if (this.entries.get(e.id) !== e) continue;
      this.entries.delete(e.id);
      this.byItem.delete(e.itemId);
      this.expiredEvents += e.events.length;
    }
    if (n > 0) this.terminated = this.terminated.slice(n);
    this.compact();
  }

  /**
   * Whether the event is in its request's history now: the request is cached, the event was not trimmed, and it is
   * no older than the history's first event (an older one belongs to an expired request whose OpenMediaID was reused).
   */
  private held(ev: StatusEvent): boolean {
    const first = this.entries.get(ev.id)?.events[0];
    return first !== undefined && first.stamp <= ev.stamp && !this.trimmed.has(ev);
  }

  /** Drops events of expired entries and trimmed events from `events` once they are most of it (amortised O(1)). */
  private compact(): void {
    if (this.expiredEvents > 1024 && this.expiredEvents * 2 > this.events.length) {
      this.events = this.events.filter((ev) => this.held(ev));
      this.expiredEvents = 0;
    }
  }

  get(id: number): CacheEntry | undefined {
    return this.entries.get(id);
  }

  entryOfItem(itemId: string): CacheEntry | undefined {
    return this.byItem.get(itemId);
  }

  /** Every event of the cache later than `after` (epoch ms), oldest first. */
  since(after: number): StatusEvent[] {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid] as StatusEvent).stamp > after) hi = mid;
      else lo = mid + 1;
    }
    const out: StatusEvent[] = [];
    for (let i = lo; i < this.events.length; i++) {
      const ev = this.events[i] as StatusEvent;
      if (this.held(ev)) out.push(ev);
    }
    return out;
  }

  /** Every request in the cache, by OpenMediaID. */
  all(): CacheEntry[] {
    return [...this.entries.values()].sort((a, b) => a.id - b.id);
  }

  /** Seed "Error handling": a restart of the service clears the history; OpenMediaIDs start again from 1. */
  clear(): void {
    this.nextId = 1;
    this.entries.clear();
    this.byItem.clear();
    this.events = [];
    this.trimmed = new WeakSet();
    this.terminated = [];
    this.expiredEvents = 0;
    this.liveCount = 0;
  }
}
