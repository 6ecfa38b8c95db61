/**
 * The simulated contact center: the one owner of agents, devices, queues, calls, work items, recordings, directory,
 * history and statistics. Protocol-free: interfaces call its commands and listen to its event bus.
 *
 * Telephony (calls, ACD for calls, recording and monitoring state) lives in telephony.ts, work items in items.ts;
 * this file holds the people and places they share.
 */
import { SystemClock, type Clock } from './clock.js';
import { CoreError } from './errors.js';
import { EventBus, type DomainEvent } from './events.js';
import type { CenterFixture } from './fixture.js';
import { IdSource } from './ids.js';
import { Items } from './items.js';
import {
  CHANNELS,
  REQUESTABLE_AGENT_STATES,
  type Agent,
  type AgentDriver,
  type AgentState,
  type Call,
  type Channel,
  type Device,
  type DirectoryEntry,
  type FaultComponent,
  type Forward,
  type ForwardType,
  type HistoryRecord,
  type ItemChannel,
  type Queue,
  type RequestableAgentState,
} from './model.js';
import { agentStateDurations, newAgentStats, newQueueStats, type AgentStats, type QueueStats } from './stats.js';
import { Telephony } from './telephony.js';

export interface CoreOptions {
  clock?: Clock;
  /** Seed for identifiers (reproducible tests and scenarios); random when absent. */
  seed?: number;
  /** Seconds an ACD call or item rings an agent before it goes back to the queue. */
  ringTimeoutSec?: number;
  /** Seconds a direct call rings a device before noAnswer forwarding applies. */
  noAnswerSec?: number;
  /** Default wrap-up (workingAfterCall) seconds after an ACD call; 0 = agent ends wrap-up. */
  wrapUpSec?: number;
  /** Milliseconds after which a called external party answers; negative = never (answered through the control API). */
  externalAnswerMs?: number;
  /** Milliseconds between a device dialling and the far end ringing (0 = at once). */
  deliveryDelayMs?: number;
  /** History records kept per device. */
  historyLimit?: number;
  /** Calls abandoned in queue sooner than this do not count against service level. */
  immediateAbandonMs?: number;
  /** Simulated media addresses. */
  media?: { gatewayIp?: string; gatewayPort?: number; mrsIp?: string; mrsPort?: number; phoneNet?: string };
  onListenerError?: (err: unknown, event: DomainEvent) => void;
}

export interface ResolvedCoreOptions {
  ringTimeoutSec: number;
  noAnswerSec: number;
  wrapUpSec: number;
  externalAnswerMs: number;
  deliveryDelayMs: number;
  historyLimit: number;
  immediateAbandonMs: number;
  gatewayIp: string;
  gatewayPort: number;
  mrsIp: string;
  mrsPort: number;
  phoneNet: string;
}

export interface AgentSnapshot {
  userId: string;
  extension: string;
  name: string;
  state: AgentState;
  stateSince: string;
  reason?: string;
  queues: string[];
  channels: Channel[];
  skills: Record<string, number>;
  driver?: AgentDriver;
}

export interface QueueSnapshot {
  id: string;
  name: string;
  channel: Channel;
  address: string;
  open: boolean;
  waiting: number;
  members: string[];
}

const ITEM_CAPACITY: Record<ItemChannel, number> = { email: 5, chat: 3, action: 5, openmedia: 1 };

export class ContactCenter {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly bus: EventBus;
  readonly options: ResolvedCoreOptions;
  readonly telephony: Telephony;
  readonly items: Items;

  readonly agents = new Map<string, Agent>();
  private readonly agentsByExtension = new Map<string, Agent>();
  readonly devices = new Map<string, Device>();
  readonly queues = new Map<string, Queue>();
  private readonly queuesByAddress = new Map<string, Queue>();
  private readonly directory: DirectoryEntry[] = [];
  private readonly historyByDevice = new Map<string, HistoryRecord[]>();
  private readonly agentStatsById = new Map<string, AgentStats>();
  private readonly queueStatsById = new Map<string, QueueStats>();
  private readonly faults = new Set<FaultComponent>();
  /**
   * Ready agents in the order they became ready: a Map keeps insertion order, and an agent is re-inserted each time
   * it becomes available, so the first entry is the longest-idle agent (ACD routing without sorting).
   */
  readonly readyAgents = new Map<string, Agent>();
  private phoneHost = 10;

  constructor(fixture: CenterFixture, opts: CoreOptions = {}) {
    this.clock = opts.clock ?? new SystemClock();
    this.ids = new IdSource(opts.seed);
    this.bus = new EventBus(opts.onListenerError);
    this.options = {
      ringTimeoutSec: opts.ringTimeoutSec ?? 20,
      noAnswerSec: opts.noAnswerSec ?? 30,
      wrapUpSec: opts.wrapUpSec ?? 10,
      externalAnswerMs: opts.externalAnswerMs ?? 2000,
      deliveryDelayMs: Math.max(0, opts.deliveryDelayMs ?? 0),
      historyLimit: opts.historyLimit ?? 500,
      immediateAbandonMs: opts.immediateAbandonMs ?? 5000,
      gatewayIp: opts.media?.gatewayIp ?? '10.0.0.1',
      // The gateway's first RTP port (16384, the start of the usual RTP range), not its SIP port 5060: outside parties'
      // media endpoints are counted up from it, and QMI reports them as GateWayPort (QMI 5.2.1).
      gatewayPort: opts.media?.gatewayPort ?? 16384,
      mrsIp: opts.media?.mrsIp ?? '10.0.0.2',
      mrsPort: opts.media?.mrsPort ?? 40000,
      phoneNet: opts.media?.phoneNet ?? '10.0.1.',
    };
    this.telephony = new Telephony(this);
    this.items = new Items(this);
    this.load(fixture);
  }

  now(): number {
    return this.clock.now();
  }

  private load(f: CenterFixture): void {
    const now = this.now();
    for (const q of f.queues) {
      const queue: Queue = {
        id: q.id,
        name: q.name,
        channel: q.channel,
        address: q.address,
        open: q.open,
        members: [],
        skills: { ...q.skills },
        ringTimeoutSec: q.ringTimeoutSec ?? this.options.ringTimeoutSec,
        waiting: [],
      };
      if (q.tenantId !== undefined) queue.tenantId = q.tenantId;
      this.queues.set(q.id, queue);
      this.queuesByAddress.set(q.address.toLowerCase(), queue);
      this.queueStatsById.set(q.id, newQueueStats(now));
    }
    for (const d of f.devices) this.ensureDevice(d.number);
    for (const a of f.agents) {
      const [firstName, ...rest] = a.name.split(' ');
      const agent: Agent = {
        userId: a.userId,
        name: a.name,
        firstName: firstName ?? a.name,
        lastName: rest.join(' '),
        extension: a.extension,
        queues: [...a.queues],
        channels: [...a.channels],
        skills: { ...a.skills },
        state: a.state,
        stateSince: now,
        wrapUpSec: a.wrapUpSec ?? this.options.wrapUpSec,
        idleSince: now,
        capacity: { ...ITEM_CAPACITY },
        addresses: [{ channel: 'phone', address: a.extension }],
      };
      if (a.password !== undefined) agent.password = a.password;
      if (a.driver) agent.driver = { ...a.driver };
      this.agents.set(agent.userId, agent);
      this.agentsByExtension.set(agent.extension, agent);
      const dev = this.ensureDevice(agent.extension);
      dev.userId = agent.userId;
      for (const qid of agent.queues) this.queues.get(qid)?.members.push(agent.userId);
      this.agentStatsById.set(agent.userId, newAgentStats(now));
      if (agent.state === 'ready') this.readyAgents.set(agent.userId, agent);
      this.directory.push({ number: agent.extension, name: agent.name, numberType: 'work', directory: 'global' });
    }
    for (const e of f.directory) {
      const entry: DirectoryEntry = { number: e.number, name: e.name, directory: 'global' };
      if (e.company !== undefined) entry.company = e.company;
      if (e.numberType !== undefined) entry.numberType = e.numberType;
      this.directory.push(entry);
    }
  }

  // ---------------------------------------------------------------- faults

  setFault(component: FaultComponent, down: boolean): void {
    if (this.faults.has(component) === down) return;
    if (down) this.faults.add(component);
    else this.faults.delete(component);
    this.bus.emit(this.now(), () => ({ type: 'fault', component, down }));
    if (component === 'router' && down) this.items.failAll('openmedia');
  }

  isDown(component: FaultComponent): boolean {
    return this.faults.has(component);
  }

  faultList(): FaultComponent[] {
    return [...this.faults];
  }

  /** Throws the component's typed error while it is faulted. */
  assertUp(component: FaultComponent): void {
    if (!this.faults.has(component)) return;
    const code = (
      { pbxLink: 'pbxLinkDown', router: 'routerDown', agentServer: 'agentServerDown', callDispatcher: 'callDispatcherDown' } as const
    )[component];
    throw new CoreError(code);
  }

  // ---------------------------------------------------------------- agents

  agent(userId: string): Agent {
    const a = this.agents.get(userId) ?? this.findAgentCaseInsensitive(userId);
    if (!a) throw new CoreError('unknownAgent', userId);
    return a;
  }

  findAgent(userId: string): Agent | undefined {
    return this.agents.get(userId) ?? this.findAgentCaseInsensitive(userId);
  }

  private findAgentCaseInsensitive(userId: string): Agent | undefined {
    const u = userId.toUpperCase();
    for (const a of this.agents.values()) if (a.userId.toUpperCase() === u) return a;
    return undefined;
  }

  agentByExtension(extension: string): Agent | undefined {
    return this.agentsByExtension.get(extension);
  }

  /** The agent logged on at a device (undefined for a device without an agent). */
  agentAt(number: string): Agent | undefined {
    const uid = this.devices.get(number)?.userId;
    return uid ? this.agents.get(uid) : undefined;
  }

  /**
   * A person changes their state (desktop, TelServices agentState, ICI setCurrentWorkmode, control API).
   * While on a call the request is remembered and applied when the call ends (a busy agent stays busy).
   */
  setAgentState(userId: string, state: RequestableAgentState, reason?: string): void {
    const agent = this.agent(userId);
    if (!(REQUESTABLE_AGENT_STATES as readonly string[]).includes(state)) {
      throw new CoreError('invalidArgument', `state ${String(state)} cannot be requested`);
    }
    if (agent.state === 'busy') {
      if (state === 'loggedOff') {
        throw new CoreError('invalidState', 'an agent on a call cannot log off');
      }
      agent.pendingState = state;
      return;
    }
    this.changeAgentState(agent, state, reason);
  }

  /** System-side state change (busy on a call, wrap-up, ring-no-answer). */
  changeAgentState(agent: Agent, state: AgentState, reason?: string): void {
    const now = this.now();
    this.clock.clearTimeout(agent.wrapUpTimer);
    agent.wrapUpTimer = undefined;
    const previous = agent.state;
    if (previous === state && agent.reason === reason) return;
    const stats = this.agentStatsById.get(agent.userId);
    if (stats) stats.stateMs[previous] += Math.max(0, now - Math.max(agent.stateSince, stats.since));
    agent.state = state;
    agent.stateSince = now;
    if (reason === undefined) delete agent.reason;
    else agent.reason = reason;
    if (state === 'ready') {
      agent.idleSince = now;
      this.readyAgents.delete(agent.userId);
      this.readyAgents.set(agent.userId, agent);
    } else {
      this.readyAgents.delete(agent.userId);
    }
    let timeoutSec: number | undefined;
    if (state === 'workingAfterCall') {
      const wrap = agent.driver ? agent.driver.wrapUpSec : agent.wrapUpSec;
      if (wrap > 0) {
        timeoutSec = wrap;
        agent.wrapUpTimer = this.clock.setTimeout(() => {
          agent.wrapUpTimer = undefined;
          if (agent.state === 'workingAfterCall') this.changeAgentState(agent, agent.pendingState ?? 'ready');
          delete agent.pendingState;
        }, wrap * 1000);
      }
    }
    if (previous !== state) this.addHistory({ recordType: 'agent', deviceNumber: agent.extension, userId: agent.userId, agentState: state });
    this.bus.emit(now, () => {
      const e = { type: 'agent' as const, userId: agent.userId, extension: agent.extension, state, previous };
      return {
        ...e,
        ...(reason !== undefined ? { reason } : {}),
        ...(timeoutSec !== undefined ? { timeoutSec } : {}),
      };
    });
    if (state === 'ready') this.dispatchAgent(agent);
  }

  /** A newly available agent takes the longest-waiting contact from their queues. */
  private dispatchAgent(agent: Agent): void {
    for (const qid of agent.queues) {
      if (agent.state !== 'ready') return;
      const q = this.queues.get(qid);
      if (q && q.waiting.length > 0) this.dispatch(q);
    }
  }

  /** Routes waiting contacts of a queue to available agents. */
  dispatch(queue: Queue): void {
    if (queue.channel === 'phone') this.telephony.dispatch(queue);
    else this.items.dispatch(queue);
  }

  setDriver(userId: string, driver: AgentDriver | undefined): void {
    const agent = this.agent(userId);
    if (driver) agent.driver = { ...driver };
    else delete agent.driver;
    this.bus.emit(this.now(), () => ({ type: 'agentConfig', userId: agent.userId }));
  }

  setAgentQueues(userId: string, queueIds: string[]): void {
    const agent = this.agent(userId);
    for (const id of queueIds) if (!this.queues.has(id)) throw new CoreError('unknownQueue', id);
    for (const q of this.queues.values()) q.members = q.members.filter((m) => m !== agent.userId);
    agent.queues = [...new Set(queueIds)];
    for (const id of agent.queues) this.queues.get(id)?.members.push(agent.userId);
    this.bus.emit(this.now(), () => ({ type: 'agentConfig', userId: agent.userId }));
    if (agent.state === 'ready') this.dispatchAgent(agent);
  }

  setAgentAddresses(userId: string, addresses: { channel: Channel; address: string }[]): void {
    const agent = this.agent(userId);
    agent.addresses = addresses.map((a) => ({ ...a }));
    this.bus.emit(this.now(), () => ({ type: 'agentConfig', userId: agent.userId }));
  }

  agentStats(userId: string): AgentStats & { stateMsNow: Record<AgentState, number> } {
    const agent = this.agent(userId);
    const stats = this.agentStatsById.get(agent.userId) ?? newAgentStats(this.now());
    return { ...stats, stateMsNow: agentStateDurations(stats, agent.state, agent.stateSince, this.now()) };
  }

  /** Mutable statistics record, for the core's own modules. */
  statsOf(userId: string | undefined): AgentStats | undefined {
    return userId ? this.agentStatsById.get(userId) : undefined;
  }

  queueStatsOf(queueId: string | undefined): QueueStats | undefined {
    return queueId ? this.queueStatsById.get(queueId) : undefined;
  }

  queueStats(queueId: string): QueueStats {
    const s = this.queueStatsById.get(this.queue(queueId).id);
    if (!s) throw new CoreError('unknownQueue', queueId);
    return { ...s };
  }

  /** Available for a new ACD contact on `channel` (phone needs `ready`; items need a logged-on, not-notReady agent). */
  isAvailable(agent: Agent, channel: Channel): boolean {
    if (!agent.channels.includes(channel)) return false;
    if (channel === 'phone') return agent.state === 'ready' && !this.telephony.deviceBusy(agent.extension);
    return agent.state === 'ready' || agent.state === 'busy';
  }

  // ---------------------------------------------------------------- devices

  ensureDevice(number: string): Device {
    let d = this.devices.get(number);
    if (!d) {
      const host = this.phoneHost++;
      d = {
        number,
        dnd: false,
        msgWaiting: false,
        forwards: [],
        ip: `${this.options.phoneNet}${host % 250}`,
        port: 20000 + (host % 1000) * 2,
        noAnswerSec: this.options.noAnswerSec,
      };
      this.devices.set(number, d);
    }
    return d;
  }

  device(number: string): Device {
    const d = this.devices.get(number);
    if (!d) throw new CoreError('unknownDevice', number);
    return d;
  }

  isInternal(number: string): boolean {
    return this.devices.has(number);
  }

  setDnd(number: string, on: boolean): void {
    const d = this.device(number);
    this.assertUp('pbxLink');
    if (d.dnd === on) return;
    d.dnd = on;
    this.bus.emit(this.now(), () => ({ type: 'device', number, change: 'dnd', dnd: d.dnd, msgWaiting: d.msgWaiting }));
  }

  setMsgWaiting(number: string, on: boolean): void {
    const d = this.device(number);
    if (d.msgWaiting === on) return;
    d.msgWaiting = on;
    this.bus.emit(this.now(), () => ({ type: 'device', number, change: 'msgWaiting', dnd: d.dnd, msgWaiting: d.msgWaiting }));
  }

  /** Activates (on) or deactivates (off) one forward type. Turning a type on replaces its previous destination. */
  setForward(number: string, type: ForwardType, destination: string, on: boolean): void {
    const d = this.device(number);
    this.assertUp('pbxLink');
    if (on && !/^\+?[0-9*#]{1,32}$/.test(destination)) throw new CoreError('invalidArgument', 'forward destination');
    if (on && destination === number) throw new CoreError('invalidArgument', 'a device cannot forward to itself');
    const existing = d.forwards.find((f) => f.type === type);
    const forward: Forward = { type, number: on ? destination : existing?.number ?? destination, on };
    d.forwards = d.forwards.filter((f) => f.type !== type);
    if (on) d.forwards.push(forward);
    this.bus.emit(this.now(), () => ({
      type: 'device',
      number,
      change: 'forward',
      dnd: d.dnd,
      msgWaiting: d.msgWaiting,
      forward: { ...forward },
    }));
  }

  // ---------------------------------------------------------------- queues

  queue(id: string): Queue {
    const q = this.queues.get(id) ?? this.queuesByAddress.get(id.toLowerCase());
    if (!q) throw new CoreError('unknownQueue', id);
    return q;
  }

  /** A queue reachable at this phone number or address, if any. */
  queueAt(address: string): Queue | undefined {
    return this.queuesByAddress.get(address.toLowerCase());
  }

  setQueueOpen(id: string, open: boolean): void {
    const q = this.queue(id);
    if (q.open === open) return;
    q.open = open;
    this.emitQueue(q);
  }

  /** A phone queue's overflow rules (failure route, waiting limit, immediate-abandon threshold); undefined clears one. */
  setQueueRouting(id: string, rules: { failureRoute?: string | undefined; maxWaiting?: number | undefined; immediateAbandonMs?: number | undefined }): void {
    const q = this.queue(id);
    if (rules.failureRoute !== undefined && !/^\+?[0-9*#]{1,32}$/.test(rules.failureRoute)) throw new CoreError('invalidArgument', 'failure route');
    const { failureRoute, maxWaiting, immediateAbandonMs } = { ...q, ...rules };
    delete q.failureRoute;
    delete q.maxWaiting;
    delete q.immediateAbandonMs;
    if (failureRoute !== undefined) q.failureRoute = failureRoute;
    if (maxWaiting !== undefined) q.maxWaiting = maxWaiting;
    if (immediateAbandonMs !== undefined) q.immediateAbandonMs = immediateAbandonMs;
  }

  emitQueue(q: Queue): void {
    this.bus.emit(this.now(), () => ({ type: 'queue', queueId: q.id, waiting: q.waiting.length, open: q.open }));
  }

  /** 1-based position of a waiting contact, 0 when it is not waiting. */
  queuePosition(queueId: string, contactId: string): number {
    const q = this.queues.get(queueId);
    if (!q) return 0;
    const i = q.waiting.findIndex((w) => w.id === contactId);
    return i < 0 ? 0 : i + 1;
  }

  // ---------------------------------------------------------------- directory

  /** Name of a number from the directory (global and shared first, then the given user's private directories). */
  lookup(number: string, userId?: string): DirectoryEntry | undefined {
    let hit: DirectoryEntry | undefined;
    for (const e of this.directory) {
      if (e.number !== number) continue;
      if (e.owner === undefined) return e;
      if (userId && e.owner === userId) hit ??= e;
    }
    return hit;
  }

  /** Entries without an owner (the global directory and shared ones such as a synchronised LDAP) are everyone's. */
  private visibleEntries(userId?: string): DirectoryEntry[] {
    return this.directory.filter((e) => e.owner === undefined || (userId !== undefined && e.owner === userId));
  }

  /** Replaces a shared (ownerless) directory as a whole, e.g. a configured LDAP directory being synchronised. */
  replaceSharedDirectory(directoryName: string, entries: Omit<DirectoryEntry, 'directory' | 'owner'>[]): void {
    if (directoryName === 'global') throw new CoreError('invalidArgument', 'the global directory comes from the fixture');
    for (let i = this.directory.length - 1; i >= 0; i--) {
      const e = this.directory[i];
      if (e && e.owner === undefined && e.directory === directoryName) this.directory.splice(i, 1);
    }
    for (const e of entries) this.directory.push({ ...e, directory: directoryName });
  }

  /**
   * TelServices searchName: case-insensitive; names starting with the text; if none, names containing " text";
   * if none, entries whose company matches. All matches, ordered lexicographically by name.
   */
  searchName(text: string, userId?: string, limit?: number): DirectoryEntry[] {
    const t = text.trim().toLowerCase();
    if (t === '') return [];
    const entries = this.visibleEntries(userId);
    const byName = (a: DirectoryEntry, b: DirectoryEntry) => a.name.localeCompare(b.name) || a.number.localeCompare(b.number);
    let hits = entries.filter((e) => e.name.toLowerCase().startsWith(t));
    if (hits.length === 0) hits = entries.filter((e) => e.name.toLowerCase().includes(` ${t}`));
    if (hits.length === 0) hits = entries.filter((e) => (e.company ?? '').toLowerCase().startsWith(t));
    hits.sort(byName);
    return limit !== undefined && limit > 0 ? hits.slice(0, limit) : hits;
  }

  searchNumber(number: string, userId?: string): DirectoryEntry[] {
    return this.visibleEntries(userId).filter((e) => e.number === number.trim());
  }

  /** Replaces a user's private directory as a whole (TelServices updateUserDirectory). */
  updateUserDirectory(owner: string, directoryName: string, entries: Omit<DirectoryEntry, 'directory' | 'owner'>[]): void {
    for (let i = this.directory.length - 1; i >= 0; i--) {
      const e = this.directory[i];
      if (e && e.owner === owner && e.directory === directoryName) this.directory.splice(i, 1);
    }
    for (const e of entries) this.directory.push({ ...e, directory: directoryName, owner });
  }

  directoryEntries(): readonly DirectoryEntry[] {
    return this.directory;
  }

  // ---------------------------------------------------------------- history

  addHistory(r: Omit<HistoryRecord, 'reference' | 'at'> & { at?: number; reference?: number }): void {
    const rec: HistoryRecord = { ...r, at: r.at ?? this.now(), reference: r.reference ?? this.ids.sequence() };
    let list = this.historyByDevice.get(rec.deviceNumber);
    if (!list) {
      list = [];
      this.historyByDevice.set(rec.deviceNumber, list);
    }
    list.push(rec);
    if (list.length > this.options.historyLimit) list.splice(0, list.length - this.options.historyLimit);
  }

  history(filter: { deviceNumber?: string; userId?: string; recordType?: 'call' | 'agent' | 'all'; from?: number; to?: number; search?: string; limit?: number } = {}): HistoryRecord[] {
    const type = filter.recordType ?? 'call';
    const lists = filter.deviceNumber ? [this.historyByDevice.get(filter.deviceNumber) ?? []] : [...this.historyByDevice.values()];
    const search = filter.search?.toLowerCase();
    let out = lists
      .flat()
      .filter(
        (r) =>
          (type === 'all' || r.recordType === type) &&
          (!filter.userId || r.userId?.toUpperCase() === filter.userId.toUpperCase()) &&
          (filter.from === undefined || r.at >= filter.from) &&
          (filter.to === undefined || r.at < filter.to) &&
          (!search || (r.otherParty ?? '').toLowerCase().includes(search) || (r.otherName ?? '').toLowerCase().includes(search)),
      )
      .sort((a, b) => b.at - a.at || b.reference - a.reference);
    if (filter.limit !== undefined && filter.limit > 0) out = out.slice(0, filter.limit);
    return out;
  }

  // ---------------------------------------------------------------- snapshot

  agentSnapshot(a: Agent): AgentSnapshot {
    const s: AgentSnapshot = {
      userId: a.userId,
      extension: a.extension,
      name: a.name,
      state: a.state,
      stateSince: new Date(a.stateSince).toISOString(),
      queues: [...a.queues],
      channels: [...a.channels],
      skills: { ...a.skills },
    };
    if (a.reason !== undefined) s.reason = a.reason;
    if (a.driver) s.driver = { ...a.driver };
    return s;
  }

  queueSnapshot(q: Queue): QueueSnapshot {
    return { id: q.id, name: q.name, channel: q.channel, address: q.address, open: q.open, waiting: q.waiting.length, members: [...q.members] };
  }

  activeCalls(): Call[] {
    return this.telephony.activeCalls();
  }

  /** Stops every timer the core owns (gateway shutdown). */
  shutdown(): void {
    for (const a of this.agents.values()) this.clock.clearTimeout(a.wrapUpTimer);
    this.telephony.shutdown();
    this.items.shutdown();
  }
}

export { CHANNELS };
