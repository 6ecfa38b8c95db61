/**
 * The simulated contact center: the one owner of agents, devices, queues, calls, work items, recordings, directory,
 * history and statistics. Protocol-free: interfaces call its commands and listen to its event bus.
 *
 * This file holds the people and places everything shares and wires the parts together:
 *
 * | part | file |
 * | --- | --- |
 * | waiting lists, agent choice, capacity, queue figures for calls and items | routing/ (`routing`) |
 * | calls, their monitoring state | calls/ (`telephony`) |
 * | recordings (on the archive) and the recording policy | recording/ (`recordings`) |
 * | work items (e-mail, chat, action items, open media) | items.ts (`items`) |
 * | outbound call lists (campaigns, callbacks) | dialer/ (`dialer`) |
 * | agent state machine, ready-agent order | agents.ts |
 * | devices and their features (DND, forwards, message waiting) | devices.ts |
 * | directory, history | directory.ts, history.ts |
 * | options, fixture loading | options.ts, world.ts |
 */
import { AgentStates } from './agents.js';
import { Telephony } from './calls/telephony.js';
import type { Recordings } from './recording/recordings.js';
import { SystemClock, type Clock } from './clock.js';
import { Directory } from './directory.js';
import { CoreError } from './errors.js';
import { EventBus } from './events.js';
import type { CenterFixture } from './fixture.js';
import { History, type HistoryFilter } from './history.js';
import { IdSource } from './ids.js';
import { Items } from './items.js';
import type {
  Agent,
  AgentDriver,
  AgentState,
  Call,
  Channel,
  Device,
  FaultComponent,
  ForwardType,
  HistoryRecord,
  Queue,
  RequestableAgentState,
} from './model.js';
import { Devices } from './devices.js';
import { Dialer } from './dialer/dialer.js';
import { destinationOf, type Destination, type NumberingPlan } from './numbering.js';
import { setQueueRouting } from './queues.js';
import { resolveCoreOptions, type CoreOptions, type ResolvedCoreOptions } from './options.js';
import { agentStateDurations, newAgentStats, newQueueStats, type AgentStats, type QueueStats } from './stats.js';
import { agentSnapshot, queueSnapshot, type AgentSnapshot, type QueueSnapshot } from './views.js';
import { Router } from './routing/router.js';
import { fixtureDirectory, loadWorld, restoreWorld } from './world.js';

const FAULT_ERRORS = { pbxLink: 'pbxLinkDown', router: 'routerDown', agentServer: 'agentServerDown', callDispatcher: 'callDispatcherDown' } as const;

export class ContactCenter {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly bus: EventBus;
  readonly options: ResolvedCoreOptions;
  /** The routing module: waiting lists, agent choice, capacity, queue figures (routing/router.ts). */
  readonly routing: Router;
  readonly telephony: Telephony;
  readonly items: Items;
  /** The outbound dialer: call lists whose answered customers wait in the routing module (dialer/). */
  readonly dialer: Dialer;
  /** Recording commands, the recordings archive and the recording policy (recording/). */
  readonly recordings: Recordings;

  readonly agents = new Map<string, Agent>();
  private readonly agentsByExtension = new Map<string, Agent>();
  private readonly deviceStore = new Devices(this);
  /** Devices by number (extensions, routing points …). */
  readonly devices = this.deviceStore.byNumber;
  readonly queues = new Map<string, Queue>();
  private readonly queuesByAddress = new Map<string, Queue>();
  /**
   * Names and numbers: the global and shared directories and each user's private ones (directory.ts: `lookup`,
   * `searchName`, `searchNumber`, `replaceShared`, `replacePrivate`).
   */
  readonly directory = new Directory();
  private readonly historyStore: History;
  private readonly agentStatsById = new Map<string, AgentStats>();
  private readonly queueStatsById = new Map<string, QueueStats>();
  private readonly faults = new Set<FaultComponent>();
  private readonly agentStates: AgentStates;
  /** The fixture the world was built from (reset restores it). */
  private readonly fixture: CenterFixture;
  /** The numbering plan from the fixture (what is external, what is unobtainable). */
  readonly numbering: NumberingPlan;

  constructor(fixture: CenterFixture, opts: CoreOptions = {}) {
    this.clock = opts.clock ?? new SystemClock();
    this.ids = new IdSource(opts.seed);
    this.bus = new EventBus(opts.onListenerError);
    this.options = resolveCoreOptions(opts);
    this.numbering = { ...fixture.numbering };
    this.historyStore = new History(this.options.historyLimit);
    this.agentStates = new AgentStates(this);
    this.routing = new Router(this, this.options.defaultHandleSec);
    this.telephony = new Telephony(this);
    this.recordings = this.telephony.recordings;
    this.items = new Items(this);
    this.dialer = new Dialer(this);
    this.fixture = fixture;
    loadWorld(this, fixture);
    this.directory.load(fixtureDirectory(fixture));
  }

  now(): number {
    return this.clock.now();
  }

  /** World loading: a queue with its statistics. */
  addQueue(queue: Queue, stats: QueueStats): void {
    this.queues.set(queue.id, queue);
    this.queuesByAddress.set(queue.address.toLowerCase(), queue);
    this.queueStatsById.set(queue.id, stats);
  }

  /** World loading: an agent at its extension, member of its queues. */
  addAgent(agent: Agent, stats: AgentStats): void {
    this.agents.set(agent.userId, agent);
    this.agentsByExtension.set(agent.extension, agent);
    this.ensureDevice(agent.extension).userId = agent.userId;
    for (const qid of agent.queues) this.queues.get(qid)?.members.push(agent.userId);
    this.agentStatsById.set(agent.userId, stats);
    if (agent.state === 'ready') this.agentStates.ready.set(agent.userId, agent);
  }

  // ---------------------------------------------------------------- faults

  setFault(component: FaultComponent, down: boolean): void {
    if (this.faults.has(component) === down) return;
    if (down) this.faults.add(component);
    else this.faults.delete(component);
    this.bus.emit(this.now(), () => ({ type: 'fault', component, down }));
    if (component === 'router' && down) this.items.failAll('openmedia');
    // Contacts waited while the link or the router was down: offer them now.
    if (!down) this.routing.dispatchAll();
  }

  isDown(component: FaultComponent): boolean {
    return this.faults.has(component);
  }

  faultList(): FaultComponent[] {
    return [...this.faults];
  }

  /** Throws the component's typed error while it is faulted. */
  assertUp(component: FaultComponent): void {
    if (this.faults.has(component)) throw new CoreError(FAULT_ERRORS[component]);
  }

  // ---------------------------------------------------------------- agents

  /** An agent by user id (case-insensitive); `unknownAgent` otherwise. */
  agent(userId: string): Agent {
    const a = this.findAgent(userId);
    if (!a) throw new CoreError('unknownAgent', userId);
    return a;
  }

  findAgent(userId: string): Agent | undefined {
    const a = this.agents.get(userId);
    if (a) return a;
    const u = userId.toUpperCase();
    for (const x of this.agents.values()) if (x.userId.toUpperCase() === u) return x;
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

  /** Ready agents, longest idle first. */
  get readyAgents(): ReadonlyMap<string, Agent> {
    return this.agentStates.ready;
  }

  /** A person changes their state (see AgentStates.request). */
  setAgentState(userId: string, state: RequestableAgentState, reason?: string): void {
    this.agentStates.request(userId, state, reason);
  }

  /** Keeps a wrapping-up agent in wrap-up until released (`hold` false: ends it now, as its timer would); see AgentStates. */
  holdWrapUp(userId: string, hold = true): boolean {
    return this.agentStates.holdWrapUp(this.agent(userId), hold);
  }

  /** System-side state change (busy on a call, wrap-up, ring-no-answer). */
  changeAgentState(agent: Agent, state: AgentState, reason?: string): void {
    this.agentStates.change(agent, state, reason);
  }

  /** Work items of any channel the agent holds now (allocated, accepted or in wrap-up). */
  workItemsOf(userId: string): number {
    return this.routing.capacity.heldBy(userId);
  }

  /** The items an agent holds changed: every interface that shows agent state hears of it (AgentEvent.workItems). */
  itemsChanged(userId: string | undefined): void {
    const agent = userId === undefined ? undefined : this.agents.get(userId);
    if (agent) this.agentStates.announceItems(agent);
  }

  setDriver(userId: string, driver: AgentDriver | undefined): void {
    const agent = this.agent(userId);
    if (driver) agent.driver = { ...driver };
    else delete agent.driver;
    this.items.driverChanged(userId);
    this.emitAgentConfig(agent);
  }

  setAgentQueues(userId: string, queueIds: string[]): void {
    const agent = this.agent(userId);
    for (const id of queueIds) if (!this.queues.has(id)) throw new CoreError('unknownQueue', id);
    for (const q of this.queues.values()) q.members = q.members.filter((m) => m !== agent.userId);
    agent.queues = [...new Set(queueIds)];
    for (const id of agent.queues) this.queues.get(id)?.members.push(agent.userId);
    this.emitAgentConfig(agent);
    if (agent.state === 'ready') this.routing.dispatchAgent(agent);
  }

  setAgentAddresses(userId: string, addresses: { channel: Channel; address: string }[]): void {
    const agent = this.agent(userId);
    agent.addresses = addresses.map((a) => ({ ...a }));
    this.emitAgentConfig(agent);
  }

  private emitAgentConfig(agent: Agent): void {
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

  /** How soon an abandon counts as immediate in the queue (ms): its own setting, else the center's. */
  immediateAbandonMs(queueId: string | undefined): number {
    return (queueId === undefined ? undefined : this.queues.get(queueId)?.immediateAbandonMs) ?? this.options.immediateAbandonMs;
  }

  queueStats(queueId: string): QueueStats {
    const s = this.queueStatsById.get(this.queue(queueId).id);
    if (!s) throw new CoreError('unknownQueue', queueId);
    return { ...s };
  }

  // ---------------------------------------------------------------- devices

  /** The device with this number, created (without an agent, features off) when there is none. */
  ensureDevice(number: string): Device {
    return this.deviceStore.ensure(number);
  }

  /** A device; `unknownDevice` otherwise. */
  device(number: string): Device {
    return this.deviceStore.get(number);
  }

  isInternal(number: string): boolean {
    return this.devices.has(number);
  }

  /** What a dialled number reaches: a phone queue, a device, the outside world, or nothing (numbering.ts). */
  destinationOf(number: string): Destination {
    return destinationOf(this, this.numbering, number);
  }

  /** Do-not-disturb on or off (`pbxLinkDown` while the link is down). */
  setDnd(number: string, on: boolean): void {
    this.deviceStore.setDnd(number, on);
  }

  setMsgWaiting(number: string, on: boolean): void {
    this.deviceStore.setMsgWaiting(number, on);
  }

  /** Activates (on) or deactivates (off) one forward type. Turning a type on replaces its previous destination. */
  setForward(number: string, type: ForwardType, destination: string, on: boolean): void {
    this.deviceStore.setForward(number, type, destination, on);
  }

  // ---------------------------------------------------------------- queues

  /** A queue by id or address (case-insensitive); `unknownQueue` otherwise. */
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

  /** A phone queue's overflow rules (queues.ts setQueueRouting); they survive reset(). */
  setQueueRouting(id: string, rules: Parameters<typeof setQueueRouting>[2]): void {
    setQueueRouting(this, id, rules);
  }

  /** queues.ts removeQueue's last step: the queue is no longer found by id or address (its statistics go with it). */
  dropQueue(q: Queue): void {
    this.queues.delete(q.id);
    this.queuesByAddress.delete(q.address.toLowerCase());
    this.queueStatsById.delete(q.id);
  }

  emitQueue(q: Queue): void {
    this.bus.emit(this.now(), () => ({ type: 'queue', queueId: q.id, waiting: q.waiting.length, open: q.open }));
  }

  // ---------------------------------------------------------------- directory and history

  /** Keeps a history record; `at` defaults to now, `reference` to a new sequence number. The record is kept as given. */
  addHistory(r: Omit<HistoryRecord, 'reference' | 'at'> & { at?: number; reference?: number }): void {
    // Filled in place, not copied: a record is made for every party of every call (the core benchmark's hot path).
    r.at ??= this.now();
    r.reference ??= this.ids.sequence();
    this.historyStore.add(r as HistoryRecord);
  }

  history(filter: HistoryFilter = {}): HistoryRecord[] {
    return this.historyStore.query(filter);
  }

  // ---------------------------------------------------------------- snapshot

  agentSnapshot(a: Agent): AgentSnapshot {
    return agentSnapshot(a, this.routing.capacity.heldBy(a.userId));
  }

  queueSnapshot(q: Queue): QueueSnapshot {
    return queueSnapshot(q);
  }

  activeCalls(): Call[] {
    return this.telephony.activeCalls();
  }

  /**
   * Back to the fixture between test cases (issue 8): every call ends and every open work item is cancelled, with
   * their events, so each interface clears its own state; faults clear; devices lose DND, forwards and message
   * waiting; queues and agents are as configured (state, queues, skills, capacity, driver); routing options,
   * directory changes, history and statistics are forgotten, and so are ended call and item ids (a seed example's
   * CallID can be used again). Recordings stay (they are the archive), and so do the interfaces' subscriptions. Ends
   * with one `reset` event. Returns how many calls and items it ended.
   */
  reset(): { calls: number; items: number } {
    const ended = this.routing.whilePaused(() => {
      const calls = this.telephony.reset();
      const items = this.items.reset();
      for (const c of [...this.faults]) this.setFault(c, false);
      this.deviceStore.reset();
      restoreWorld(this, this.fixture);
      return { calls, items };
    });
    this.agentStates.reorder(this.fixture.agents.map((a) => a.userId));
    this.routing.reset();
    this.directory.load(fixtureDirectory(this.fixture));
    this.historyStore.clear();
    const now = this.now();
    for (const id of this.agentStatsById.keys()) this.agentStatsById.set(id, newAgentStats(now));
    for (const id of this.queueStatsById.keys()) this.queueStatsById.set(id, newQueueStats(now));
    this.bus.emit(now, () => ({ type: 'reset' }));
    return ended;
  }

  /** Stops every timer the core owns (gateway shutdown). */
  shutdown(): void {
    for (const a of this.agents.values()) this.clock.clearTimeout(a.wrapUpTimer);
    this.dialer.shutdown();
    this.routing.shutdown();
    this.telephony.shutdown();
    this.items.shutdown();
  }
}
