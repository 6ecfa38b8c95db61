/**
 * Calls: the call model, ACD routing of phone calls, and the recording and monitoring state calls carry.
 *
 * Model: a Call is one connection with parties (legs). A device acts on its own party: hold puts its party in `hold`
 * and the others in `held`. A consultation is a second call with `consultFor` pointing at the held one; transfer
 * moves the consulted parties (same legs) into the held call and ends the consultation; conference merges it.
 * Every change emits one CallEvent with a snapshot, in the order a PBX would report it.
 */
import type { ContactCenter } from './center.js';
import { CoreError } from './errors.js';
import type { CallChange, CallEvent } from './events.js';
import type {
  Agent,
  Call,
  CallCause,
  CallDirection,
  Device,
  Forward,
  MonitorSession,
  Party,
  PartyRole,
  PartyState,
  Queue,
  Recording,
  Waiting,
} from './model.js';
import { addTally } from './stats.js';
import { viewCall } from './views.js';

const ACTIVE: ReadonlySet<PartyState> = new Set(['initiated', 'queued', 'alerting', 'connected', 'hold', 'held']);
/** A device with a party in one of these states cannot take another call (a held call does not occupy the line). */
const OCCUPYING: ReadonlySet<PartyState> = new Set(['initiated', 'queued', 'alerting', 'connected']);
const NUMBER = /^\+?[0-9*#]{1,32}$/;
const MAX_REDIRECTS = 5;

export interface CallOptions {
  attached?: Record<string, string>;
  priority?: number;
  skills?: Record<string, number>;
  /** A consultation for this (held) call. */
  consultFor?: string;
  /** Agent to try first for an ACD call. */
  preferredAgent?: string;
  sipCallId?: string;
  /** When a called external party answers, overriding the center's externalAnswerMs (negative = never). */
  externalAnswerMs?: number;
}

export interface RecordingFilter {
  callId?: string;
  userId?: string;
  from?: number;
  to?: number;
  includeDeleted?: boolean;
}

export class Telephony {
  private readonly calls = new Map<string, Call>();
  private readonly byDevice = new Map<string, Set<Call>>();
  private readonly waiting = new Map<string, Waiting>();
  readonly recordings = new Map<string, Recording>();

  constructor(private readonly cc: ContactCenter) {}

  // ------------------------------------------------------------ lookups

  call(callId: string): Call {
    const c = this.calls.get(callId);
    if (!c) throw new CoreError('unknownCall', callId);
    return c;
  }

  findCall(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  activeCalls(): Call[] {
    return [...this.calls.values()];
  }

  /** Active calls in which the device has a party that has not left. */
  callsOf(number: string): Call[] {
    return [...(this.byDevice.get(number) ?? [])];
  }

  partyOf(call: Call, number: string): Party | undefined {
    return call.parties.find((p) => p.number === number && ACTIVE.has(p.state));
  }

  activeParties(call: Call): Party[] {
    return call.parties.filter((p) => ACTIVE.has(p.state));
  }

  deviceBusy(number: string): boolean {
    for (const c of this.byDevice.get(number) ?? []) {
      const p = this.partyOf(c, number);
      if (p && OCCUPYING.has(p.state)) return true;
    }
    return false;
  }

  /** The device's call with its party in one of `states`, optionally a given call. */
  private deviceCall(number: string, states: PartyState[], callId?: string): { call: Call; party: Party } {
    this.cc.device(number);
    if (callId !== undefined) {
      const call = this.calls.get(callId);
      if (!call) throw new CoreError(this.everExisted(callId) ? 'callGone' : 'noCall', callId);
      const party = this.partyOf(call, number);
      if (!party || !states.includes(party.state)) throw new CoreError('noCall', `call ${callId} is not ${states.join('/')} at ${number}`);
      return { call, party };
    }
    for (const state of states) {
      for (const call of this.byDevice.get(number) ?? []) {
        const party = this.partyOf(call, number);
        if (party?.state === state) return { call, party };
      }
    }
    throw new CoreError('noCall', `no ${states.join('/')} call at ${number}`);
  }

  /** Ended calls are remembered (bounded) so a late request gets "call gone" rather than "unknown call". */
  private readonly ended = new Set<string>();

  private everExisted(callId: string): boolean {
    return this.ended.has(callId);
  }

  private forget(call: Call): void {
    this.calls.delete(call.id);
    this.ended.add(call.id);
    if (this.ended.size > 50_000) {
      const oldest = this.ended.values().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  // ------------------------------------------------------------ events

  private emit(change: CallChange, call: Call, legs: Party[] = [], extra: Partial<Omit<CallEvent, 'type' | 'change' | 'call' | 'legs'>> = {}): void {
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'call', change, call: viewCall(call), legs: legs.map((l) => l.legId), ...extra }));
  }

  // ------------------------------------------------------------ creation

  private newCall(direction: CallDirection, dialled: string, opts: CallOptions): Call {
    const now = this.cc.now();
    const o = this.cc.options;
    const id = this.cc.ids.guid();
    const call: Call = {
      id,
      sipCallId: opts.sipCallId ?? `${id.replace(/-/g, '').slice(0, 14)}@ccgate.invalid`,
      reference: this.cc.ids.sequence(),
      direction,
      parties: [],
      dialled,
      acd: false,
      conference: false,
      attached: { ...(opts.attached ?? {}) },
      priority: opts.priority ?? 50,
      skills: { ...(opts.skills ?? {}) },
      gateway: { ip: o.gatewayIp, port: o.gatewayPort },
      mrs: { ip: o.mrsIp, port: o.mrsPort + ((this.calls.size * 2) % 20000) },
      codec: 'G711',
      recording: { state: 'off' },
      monitors: [],
      state: 'active',
      createdAt: now,
      redirects: 0,
      timers: new Map(),
    };
    if (opts.consultFor !== undefined) call.consultFor = opts.consultFor;
    if (opts.externalAnswerMs !== undefined) call.externalAnswerMs = opts.externalAnswerMs;
    this.calls.set(id, call);
    return call;
  }

  private join(call: Call, number: string, role: PartyRole, state: PartyState): Party {
    const now = this.cc.now();
    const dev = this.cc.devices.get(number);
    const party: Party = {
      legId: this.cc.ids.guid().replace(/-/g, ''),
      number,
      internal: dev !== undefined,
      role,
      state,
      joinedAt: now,
      ip: dev ? dev.ip : call.gateway.ip,
      port: dev ? dev.port : call.gateway.port + 2 * call.parties.length,
    };
    if (dev?.userId) party.userId = dev.userId;
    if (state === 'alerting') party.alertingAt = now;
    if (state === 'connected') party.connectedAt = now;
    call.parties.push(party);
    if (dev) this.track(number, call);
    return party;
  }

  private track(number: string, call: Call): void {
    let set = this.byDevice.get(number);
    if (!set) {
      set = new Set();
      this.byDevice.set(number, set);
    }
    set.add(call);
  }

  private untrack(number: string, call: Call): void {
    const set = this.byDevice.get(number);
    if (!set) return;
    set.delete(call);
    if (set.size === 0) this.byDevice.delete(number);
  }

  /** Checks, without changing anything, that a destination can be delivered to. */
  private assertReachable(to: string): void {
    if (this.cc.queueAt(to)?.channel === 'phone' || this.cc.isInternal(to)) return;
    if (!NUMBER.test(to)) throw new CoreError('destinationUnknown', to);
  }

  /** An external party calls a queue number or an extension (the simulated world's side). */
  inbound(from: string, to: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    if (!NUMBER.test(from)) throw new CoreError('invalidArgument', `caller number ${from}`);
    if (this.cc.isInternal(from)) return this.makeCall(from, to, opts);
    this.assertReachable(to);
    const call = this.newCall('inbound', to, opts);
    const caller = this.join(call, from, 'caller', 'initiated');
    this.emit('created', call, [caller]);
    this.deliver(call, to, caller);
    return call;
  }

  /** A device dials a number (TelServices makeCall, ICI dial, the agent's phone). */
  makeCall(from: string, to: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    const dev = this.cc.device(from);
    if (!NUMBER.test(to)) throw new CoreError('invalidArgument', `called number ${to}`);
    if (to === from) throw new CoreError('invalidArgument', 'a device cannot call itself');
    if (!dev.multiLine && this.deviceBusy(from)) throw new CoreError('invalidState', `device ${from} is in a call`);
    this.assertReachable(to);
    const internal = this.cc.isInternal(to) || this.cc.queueAt(to) !== undefined;
    const call = this.newCall(internal ? 'internal' : 'outbound', to, opts);
    const caller = this.join(call, from, 'caller', 'initiated');
    const agent = this.cc.agentAt(from);
    const stats = this.cc.statsOf(agent?.userId);
    if (stats) stats.outgoingOriginated += 1;
    if (agent) this.occupy(agent);
    this.emit('created', call, [caller], { actor: from });
    this.emit('dialled', call, [caller], { actor: from, detail: to });
    // A PBX reports the far end ringing a moment after the number is processed; deliveryDelayMs models that gap.
    const delay = this.cc.options.deliveryDelayMs;
    if (delay > 0) this.setTimer(call, 'deliver', delay, () => this.deliver(call, to, caller));
    else this.deliver(call, to, caller);
    return call;
  }

  /**
   * Sends the call to a number: a phone queue, a device (with its forwards), or the outside world. Failure to reach
   * the destination ends the call with the cause a PBX would give.
   */
  private deliver(call: Call, to: string, from: Party): void {
    const queue = this.cc.queueAt(to);
    if (queue && queue.channel === 'phone') return this.enqueue(call, queue);
    const dev = this.cc.devices.get(to);
    if (dev) return this.alertDevice(call, dev, from);
    if (!NUMBER.test(to)) return this.fail(call, 'destNotObtainable');
    const party = this.join(call, to, 'called', 'alerting');
    this.emit('alerting', call, [party]);
    this.scheduleExternalAnswer(call, party);
  }

  private scheduleExternalAnswer(call: Call, party: Party): void {
    const ms = call.externalAnswerMs ?? this.cc.options.externalAnswerMs;
    if (ms < 0) return;
    this.setTimer(call, `ext:${party.legId}`, ms, () => {
      if (party.state === 'alerting') this.answerParty(call, party);
    });
  }

  private fail(call: Call, cause: CallCause): void {
    this.emit('failed', call, [], { cause });
    this.endCall(call, cause);
  }

  private forwardFor(dev: Device, kinds: Forward['type'][], fromInternal: boolean): Forward | undefined {
    const scoped = kinds.flatMap((k) => [k, `${k === 'immediate' ? 'imm' : k}${fromInternal ? 'Int' : 'Ext'}` as Forward['type']]);
    return dev.forwards.find((f) => f.on && scoped.includes(f.type));
  }

  private redirect(call: Call, dev: Device, fwd: Forward, from: Party): void {
    call.redirects += 1;
    if (call.redirects > MAX_REDIRECTS) return this.fail(call, 'destNotObtainable');
    call.firstCalled ??= dev.number;
    call.lastRedirection = { number: dev.number, cause: 'redirect' };
    this.deliver(call, fwd.number, from);
  }

  private alertDevice(call: Call, dev: Device, from: Party, acd?: { queue: Queue; agent: Agent }): void {
    const fromInternal = from.internal;
    if (!acd) {
      const imm = this.forwardFor(dev, ['immediate'], fromInternal);
      if (imm) return this.redirect(call, dev, imm, from);
      if (dev.dnd) return this.fail(call, 'busy');
      if (this.deviceBusy(dev.number)) {
        const busyFwd = this.forwardFor(dev, ['busy'], fromInternal);
        if (busyFwd) return this.redirect(call, dev, busyFwd, from);
        const stats = this.cc.statsOf(dev.userId);
        if (stats) stats.incomingFailed += 1;
        return this.fail(call, 'busy');
      }
    }
    const party = this.join(call, dev.number, call.parties.some((p) => p.role === 'called' && ACTIVE.has(p.state)) ? 'added' : 'called', 'alerting');
    if (from.state === 'queued') from.state = 'initiated';
    const agent = acd?.agent ?? this.cc.agentAt(dev.number);
    if (agent) this.occupy(agent);
    this.emit('alerting', call, [party]);
    if (acd) {
      call.offer = { legId: party.legId, queueId: acd.queue.id };
      this.setTimer(call, `ring:${party.legId}`, acd.queue.ringTimeoutSec * 1000, () => this.ringNoAnswer(call, party, acd.queue));
    } else {
      const na = this.forwardFor(dev, ['noAnswer'], fromInternal);
      const ringSec = dev.noAnswerSec;
      this.setTimer(call, `ring:${party.legId}`, ringSec * 1000, () => {
        if (party.state !== 'alerting') return;
        if (na) {
          this.leave(call, party, 'redirect', { keepCall: true });
          this.redirect(call, dev, na, from);
        } else {
          this.leave(call, party, 'noAnswer');
        }
      });
    }
    if (agent?.driver) {
      this.setTimer(call, `drv:${party.legId}`, agent.driver.answerAfterSec * 1000, () => {
        if (party.state === 'alerting') this.answerParty(call, party);
      });
    }
  }

  /** An agent's line is taken by a call: a ready (or wrapping-up) agent becomes busy. */
  private occupy(agent: Agent): void {
    if (agent.state === 'ready' || agent.state === 'workingAfterCall') this.cc.changeAgentState(agent, 'busy');
  }

  private setTimer(call: Call, key: string, ms: number, fn: () => void): void {
    this.cc.clock.clearTimeout(call.timers.get(key));
    call.timers.set(
      key,
      this.cc.clock.setTimeout(() => {
        call.timers.delete(key);
        if (call.state === 'active') fn();
      }, ms),
    );
  }

  private clearTimer(call: Call, key: string): void {
    this.cc.clock.clearTimeout(call.timers.get(key));
    call.timers.delete(key);
  }

  // ------------------------------------------------------------ ACD

  private enqueue(call: Call, queue: Queue, front = false): void {
    const caller = call.parties.find((p) => p.role === 'caller' && ACTIVE.has(p.state));
    if (!caller) return;
    const qs = this.cc.queueStatsOf(queue.id);
    const full = !front && queue.maxWaiting !== undefined && queue.waiting.length >= queue.maxWaiting;
    if (!queue.open || full) {
      if (qs) qs.routedToFailure += 1;
      return this.routeToFailure(call, queue, caller);
    }
    const now = this.cc.now();
    call.queueId = queue.id;
    call.acd = true;
    if (!front) {
      call.queuedAt = now;
      if (qs) qs.offered += 1;
    }
    caller.state = 'queued';
    const w: Waiting = { id: call.id, kind: 'call', since: call.queuedAt ?? now, priority: call.priority };
    const preferred = call.attached['preferredAgent'];
    if (preferred) w.preferredAgent = preferred;
    // Priority first (1 = highest), then arrival: a requeued call keeps its original place.
    const at = queue.waiting.findIndex((x) => x.priority > w.priority || (x.priority === w.priority && x.since > w.since));
    if (at < 0) queue.waiting.push(w);
    else queue.waiting.splice(at, 0, w);
    this.waiting.set(call.id, w);
    if (!front) this.emit('queued', call, [caller], { detail: queue.id });
    this.cc.emitQueue(queue);
    this.dispatch(queue);
  }

  /** A closed or full queue sends the call on to its failure route, as a redirect; without one the call fails. */
  private routeToFailure(call: Call, queue: Queue, from: Party): void {
    call.redirects += 1;
    if (queue.failureRoute === undefined || call.redirects > MAX_REDIRECTS) return this.fail(call, 'destNotObtainable');
    call.firstCalled ??= queue.address;
    call.lastRedirection = { number: queue.address, cause: 'redirect' };
    this.deliver(call, queue.failureRoute, from);
  }

  /** Longest-idle ready member with the skills the call needs; a preferred agent goes first when available. */
  private pickAgent(queue: Queue, call: Call, w: Waiting): Agent | undefined {
    const ok = (a: Agent) =>
      a.queues.includes(queue.id) &&
      this.cc.isAvailable(a, 'phone') &&
      !this.cc.device(a.extension).dnd &&
      Object.entries({ ...queue.skills, ...call.skills }).every(([s, lvl]) => (a.skills[s] ?? 0) >= lvl);
    if (w.preferredAgent) {
      const p = this.cc.findAgent(w.preferredAgent);
      if (p && ok(p)) return p;
    }
    for (const a of this.cc.readyAgents.values()) if (ok(a)) return a;
    return undefined;
  }

  dispatch(queue: Queue): void {
    if (this.cc.isDown('pbxLink')) return;
    for (let i = 0; i < queue.waiting.length; ) {
      const w = queue.waiting[i];
      const call = w ? this.calls.get(w.id) : undefined;
      if (!w || !call) {
        queue.waiting.splice(i, 1);
        continue;
      }
      const agent = this.pickAgent(queue, call, w);
      if (!agent) {
        i++;
        continue;
      }
      queue.waiting.splice(i, 1);
      this.waiting.delete(call.id);
      const qs = this.cc.queueStatsOf(queue.id);
      if (qs) {
        addTally(qs.queued, this.cc.now() - (call.queuedAt ?? call.createdAt));
        if (w.preferredAgent && this.cc.findAgent(w.preferredAgent) === agent) qs.routedToPreferred += 1;
        else qs.routedToDistribution += 1;
      }
      const caller = call.parties.find((p) => p.role === 'caller' && ACTIVE.has(p.state));
      if (!caller) continue;
      this.cc.emitQueue(queue);
      this.alertDevice(call, this.cc.device(agent.extension), caller, { queue, agent });
    }
  }

  private removeFromQueue(call: Call): void {
    const w = this.waiting.get(call.id);
    if (!w || !call.queueId) return;
    this.waiting.delete(call.id);
    const q = this.cc.queues.get(call.queueId);
    if (!q) return;
    const i = q.waiting.indexOf(w);
    if (i >= 0) q.waiting.splice(i, 1);
    this.cc.emitQueue(q);
  }

  /** Ring-no-answer: the agent is set not ready and the call goes back to the front of its queue. */
  private ringNoAnswer(call: Call, party: Party, queue: Queue): void {
    if (party.state !== 'alerting') return;
    this.leave(call, party, 'noAnswer', { keepCall: true, silent: true, agentStays: true });
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
    if (agent && agent.state === 'busy' && !this.agentOnCall(agent)) {
      delete agent.pendingState;
      this.cc.changeAgentState(agent, 'notReady', 'ringNoAnswer');
    }
    const qs = this.cc.queueStatsOf(queue.id);
    if (qs) qs.requeued += 1;
    this.emit('requeued', call, [party], { cause: 'noAnswer', detail: queue.id });
    this.enqueue(call, queue, true);
  }

  // ------------------------------------------------------------ answering and holding

  /** A device answers its alerting call (the first one, or the given call). */
  answer(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.deviceCall(number, ['alerting'], callId);
    this.answerParty(call, party);
    return call;
  }

  /** The called external party answers (simulated world). */
  externalAnswer(callId: string, number?: string): Call {
    const call = this.call(callId);
    const party = call.parties.find((p) => !p.internal && p.state === 'alerting' && (number === undefined || p.number === number));
    if (!party) throw new CoreError('noCall', `no external party alerting in ${callId}`);
    this.answerParty(call, party);
    return call;
  }

  private answerParty(call: Call, party: Party): void {
    const now = this.cc.now();
    if (call.offer?.legId === party.legId) delete call.offer;
    for (const key of ['ring', 'drv', 'ext']) this.clearTimer(call, `${key}:${party.legId}`);
    const alertingMs = now - (party.alertingAt ?? now);
    party.state = 'connected';
    party.connectedAt = now;
    call.answeredAt ??= now;
    const someoneHolds = call.parties.some((p) => p.state === 'hold');
    if (!someoneHolds) {
      for (const p of call.parties) if (p.state === 'initiated' || p.state === 'held' || p.state === 'queued') {
        p.state = 'connected';
        p.connectedAt ??= now;
      }
    }
    const stats = this.cc.statsOf(party.userId);
    if (stats) {
      addTally(stats.incomingAlerting, alertingMs);
      if (call.acd) addTally(stats.acdIncomingAlerting, alertingMs);
    }
    const qs = call.acd ? this.cc.queueStatsOf(call.queueId) : undefined;
    if (qs && party.internal) {
      qs.answered += 1;
      addTally(qs.alerting, alertingMs);
    }
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
    if (agent?.driver) {
      this.setTimer(call, `drv:${party.legId}`, agent.driver.talkSec * 1000, () => {
        if (ACTIVE.has(party.state)) this.leave(call, party, 'normal');
      });
    }
    if (call.transferBy !== undefined) {
      const by = call.transferBy;
      delete call.transferBy;
      this.emit('transferred', call, [party], { actor: by, cause: 'transfer', detail: party.number });
    } else if (party.role === 'added' && this.activeParties(call).filter((p) => p.state === 'connected').length > 2) {
      call.conference = true;
      this.emit('partyAdded', call, [party], { cause: 'conference', detail: party.number });
    } else {
      this.emit('answered', call, [party]);
    }
  }

  hold(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.deviceCall(number, ['connected'], callId);
    this.holdParty(call, party);
    return call;
  }

  private holdParty(call: Call, party: Party): void {
    party.state = 'hold';
    for (const p of call.parties) if (p !== party && p.state === 'connected') p.state = 'held';
    this.emit('held', call, [party], { actor: party.number, cause: 'heldByOtherParty' });
  }

  retrieve(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    if (callId === undefined && this.deviceBusy(number)) throw new CoreError('invalidState', `device ${number} has an active call`);
    const { call, party } = this.deviceCall(number, ['hold'], callId);
    this.retrieveParty(call, party);
    return call;
  }

  private retrieveParty(call: Call, party: Party): void {
    party.state = 'connected';
    if (!call.parties.some((p) => p !== party && p.state === 'hold')) {
      for (const p of call.parties) if (p.state === 'held') p.state = 'connected';
    }
    this.emit('retrieved', call, [party], { actor: party.number, cause: 'retrievedByOtherParty' });
  }

  // ------------------------------------------------------------ leaving

  /** A device hangs up: its connected call first, else its ringing, held or dialling one. */
  drop(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.deviceCall(number, ['connected', 'initiated', 'alerting', 'hold', 'held', 'queued'], callId);
    if (party.state === 'alerting' && call.offer?.legId === party.legId) {
      // Rejecting an ACD offer returns the call to its queue, as a ring-no-answer would.
      const q = this.cc.queues.get(call.offer.queueId);
      if (q) {
        this.clearTimer(call, `ring:${party.legId}`);
        this.ringNoAnswer(call, party, q);
        return call;
      }
    }
    this.leave(call, party, 'normal');
    return call;
  }

  /** The external (or named) party hangs up (simulated world). */
  hangup(callId: string, number?: string): Call {
    const call = this.call(callId);
    const party = call.parties.find((p) => ACTIVE.has(p.state) && (number !== undefined ? p.number === number : !p.internal));
    if (!party) throw new CoreError('invalidArgument', number ? `${number} is not in call ${callId}` : `call ${callId} has no external party`);
    this.leave(call, party, 'normal');
    return call;
  }

  /**
   * One party leaves. The call goes on while two parties remain (conference), otherwise it ends.
   * `keepCall`: the call continues even with fewer parties (it is being redirected or requeued).
   */
  private leave(call: Call, party: Party, cause: CallCause, opts: { keepCall?: boolean; silent?: boolean; agentStays?: boolean } = {}): void {
    const now = this.cc.now();
    const wasState = party.state;
    for (const key of ['ring', 'drv', 'ext']) this.clearTimer(call, `${key}:${party.legId}`);
    if (call.offer?.legId === party.legId) delete call.offer;
    this.closeParty(call, party, cause, now);
    if (party.internal) this.untrack(party.number, call);
    if (wasState === 'queued') this.removeFromQueue(call);
    if (!opts.agentStays) this.afterAgentLeft(call, party);
    if (opts.keepCall) return;
    const rest = this.activeParties(call);
    const realParties = rest.filter((p) => p.role !== 'supervisor');
    if (realParties.length >= 2) {
      if (realParties.length === 2) call.conference = false;
      // The party that left had the others on hold: nobody can retrieve them now.
      if (wasState === 'hold' && !rest.some((p) => p.state === 'hold')) for (const p of rest) if (p.state === 'held') p.state = 'connected';
      if (!opts.silent) this.emit('partyDropped', call, [party], { cause, actor: party.number });
      return;
    }
    this.endCall(call, party.role === 'caller' && (wasState === 'queued' || wasState === 'initiated') ? 'abandoned' : cause, party);
  }

  /** Marks a party ended and books its statistics and history. */
  private closeParty(call: Call, party: Party, cause: CallCause, now: number): void {
    const alertingMs = party.alertingAt !== undefined ? (party.connectedAt ?? now) - party.alertingAt : undefined;
    const connectedMs = party.connectedAt !== undefined ? now - party.connectedAt : undefined;
    const wasAlerting = party.state === 'alerting';
    party.state = 'ended';
    party.endedAt = now;
    party.cause = cause;
    const stats = this.cc.statsOf(party.userId);
    if (stats) {
      const incoming = party.role !== 'caller';
      if (wasAlerting && alertingMs !== undefined) {
        addTally(stats.incomingAlerting, alertingMs);
        if (call.acd) addTally(stats.acdIncomingAlerting, alertingMs);
        if (cause !== 'noAnswer' && cause !== 'redirect') {
          stats.incomingAbandoned += 1;
          if (call.acd) stats.acdIncomingAbandoned += 1;
        }
      }
      if (connectedMs !== undefined) {
        if (incoming) {
          addTally(stats.incomingConnected, connectedMs);
          if (call.acd) addTally(stats.acdIncomingConnected, connectedMs);
        } else {
          addTally(stats.outgoingConnected, connectedMs);
        }
        if (!call.acd) stats.directCallMs += connectedMs;
      }
    }
    if (party.internal) {
      const other = call.parties.find((p) => p !== party && p.role !== 'supervisor' && (p.state !== 'ended' || p.endedAt === now)) ?? call.parties.find((p) => p !== party);
      const entry = other ? this.cc.lookup(other.number, party.userId) : undefined;
      this.cc.addHistory({
        recordType: 'call',
        reference: call.reference,
        deviceNumber: party.number,
        ...(party.userId !== undefined ? { userId: party.userId } : {}),
        ...(other ? { otherParty: other.number } : {}),
        ...(entry ? { otherName: entry.name } : {}),
        ...(alertingMs !== undefined ? { alertingMs } : {}),
        ...(connectedMs !== undefined ? { connectedMs } : {}),
        isOutgoing: party.role === 'caller',
        isConnected: connectedMs !== undefined,
        cause,
        at: party.joinedAt,
      });
    }
  }

  private agentOnCall(agent: Agent): boolean {
    for (const c of this.byDevice.get(agent.extension) ?? []) if (this.partyOf(c, agent.extension)) return true;
    return false;
  }

  /** After an agent's last call: wrap-up after an answered ACD call, else back to the state before the call. */
  private afterAgentLeft(call: Call, party: Party): void {
    const agent = party.userId ? this.cc.agents.get(party.userId) : undefined;
    if (!agent || agent.state !== 'busy' || this.agentOnCall(agent)) return;
    const pending = agent.pendingState;
    delete agent.pendingState;
    if (call.acd && party.connectedAt !== undefined && party.role !== 'caller') {
      this.cc.changeAgentState(agent, 'workingAfterCall');
      if (pending) agent.pendingState = pending;
      return;
    }
    this.cc.changeAgentState(agent, pending ?? 'ready');
  }

  private endCall(call: Call, cause: CallCause, by?: Party): void {
    if (call.state === 'ended') return;
    const now = this.cc.now();
    this.removeFromQueue(call);
    const qs = call.acd ? this.cc.queueStatsOf(call.queueId) : undefined;
    if (qs) {
      if (cause === 'abandoned') {
        const waited = now - (call.queuedAt ?? call.createdAt);
        const onAgent = call.parties.some((p) => p.internal && p.state === 'alerting');
        if (onAgent) qs.abandonedOnAgent += 1;
        else if (waited < (this.cc.queues.get(call.queueId ?? '')?.immediateAbandonMs ?? this.cc.options.immediateAbandonMs)) qs.abandonedImmediately += 1;
        else qs.abandonedInQueue += 1;
        if (!onAgent) addTally(qs.queued, waited);
      }
      if (call.answeredAt !== undefined) addTally(qs.connected, now - call.answeredAt);
    }
    for (const p of call.parties) {
      if (!ACTIVE.has(p.state)) continue;
      this.closeParty(call, p, by ? 'droppedByOtherParty' : cause, now);
      if (p.internal) this.untrack(p.number, call);
      this.afterAgentLeft(call, p);
    }
    for (const t of call.timers.values()) this.cc.clock.clearTimeout(t);
    call.timers.clear();
    if (call.recording.state !== 'off' && call.recording.recordingId) this.finishRecording(call, call.recording.recordingId);
    call.monitors = [];
    call.state = 'ended';
    call.endedAt = now;
    call.cause = cause;
    this.forget(call);
    for (const other of this.calls.values()) if (other.consultFor === call.id) delete other.consultFor;
    this.emit('ended', call, by ? [by] : [], { cause, ...(by ? { actor: by.number } : {}) });
  }

  // ------------------------------------------------------------ consultation, transfer, conference

  /** Holds the device's connected call and dials a consultation call. */
  consult(number: string, target: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    if (!NUMBER.test(target) || target === number) throw new CoreError('invalidArgument', `consulted number ${target}`);
    this.assertReachable(target);
    const { call: held, party } = this.deviceCall(number, ['connected'], opts.consultFor);
    this.holdParty(held, party);
    return this.makeCall(number, target, { ...opts, consultFor: held.id });
  }

  /** The device's held call and its consultation (or other active) call. */
  private heldAndActive(number: string): { held: Call; heldParty: Party; active: Call; activeParty: Party } {
    const calls = this.callsOf(number);
    const active = calls.find((c) => ['connected', 'initiated'].includes(this.partyOf(c, number)?.state ?? ''));
    if (!active) throw new CoreError('noCall', `no active call at ${number}`);
    const held =
      (active.consultFor !== undefined ? calls.find((c) => c.id === active.consultFor && this.partyOf(c, number)?.state === 'hold') : undefined) ??
      calls.find((c) => c !== active && this.partyOf(c, number)?.state === 'hold');
    if (!held) throw new CoreError('noCall', `no held call at ${number}`);
    const heldParty = this.partyOf(held, number);
    const activeParty = this.partyOf(active, number);
    if (!heldParty || !activeParty) throw new CoreError('noCall');
    return { held, heldParty, active, activeParty };
  }

  /**
   * Consultative transfer: the consulted parties replace the device in the held call. The consultation call ends
   * first, then the held call reports the transfer (QMI 7.1 events 5–7).
   */
  transfer(number: string): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number);
    const now = this.cc.now();
    const moved = this.activeParties(active).filter((p) => p !== activeParty);
    if (moved.length === 0) throw new CoreError('noCall', 'the consultation has no other party');
    // Move the consulted legs out of the consultation, then end it.
    active.parties = active.parties.filter((p) => !moved.includes(p));
    for (const p of moved) if (p.internal) this.untrack(p.number, active);
    this.leave(active, activeParty, 'transfer', { keepCall: true });
    this.endCall(active, 'transfer');
    // The transferring device leaves the held call; the moved legs join it.
    this.closeParty(held, heldParty, 'transfer', now);
    this.untrack(number, held);
    for (const p of moved) {
      p.role = 'called';
      held.parties.push(p);
      if (p.internal) this.track(p.number, held);
      for (const key of ['ring', 'drv', 'ext']) {
        const t = active.timers.get(`${key}:${p.legId}`);
        if (t) this.cc.clock.clearTimeout(t);
      }
      if (p.state === 'alerting') this.rearmAlerting(held, p);
    }
    held.lastRedirection = { number, cause: 'transfer' };
    const targetConnected = moved.some((p) => p.state === 'connected');
    for (const p of held.parties) if (p.state === 'held' && targetConnected) p.state = 'connected';
    this.afterAgentLeft(held, heldParty);
    if (!targetConnected) held.transferBy = number;
    this.emit('transferred', held, moved, { actor: number, cause: 'transfer', detail: moved[0]?.number ?? '', related: active.id });
    return held;
  }

  /** A leg that moved between calls while ringing keeps ringing with the usual timers. */
  private rearmAlerting(call: Call, p: Party): void {
    if (!p.internal) return this.scheduleExternalAnswer(call, p);
    const agent = this.cc.agentAt(p.number);
    if (agent?.driver) {
      this.setTimer(call, `drv:${p.legId}`, agent.driver.answerAfterSec * 1000, () => {
        if (p.state === 'alerting') this.answerParty(call, p);
      });
    }
  }

  /** Merges the consultation into the held call: everyone talks together (QMI 7.3). */
  conference(number: string): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number);
    const moved = this.activeParties(active).filter((p) => p !== activeParty);
    if (moved.length === 0 || moved.some((p) => p.state !== 'connected')) throw new CoreError('noCall', 'the consultation is not connected');
    active.parties = active.parties.filter((p) => !moved.includes(p));
    for (const p of moved) if (p.internal) this.untrack(p.number, active);
    this.closeParty(active, activeParty, 'conference', this.cc.now());
    this.untrack(number, active);
    for (const t of active.timers.values()) this.cc.clock.clearTimeout(t);
    active.timers.clear();
    // The consultation's own recording and monitoring end with it; the conference goes on in the held call.
    if (active.recording.state !== 'off' && active.recording.recordingId) this.finishRecording(active, active.recording.recordingId);
    active.monitors = [];
    active.state = 'ended';
    active.endedAt = this.cc.now();
    active.cause = 'conference';
    this.forget(active);
    this.emit('merged', active, [activeParty], { actor: number, cause: 'conference', related: held.id });
    for (const p of moved) {
      p.role = 'added';
      held.parties.push(p);
      if (p.internal) this.track(p.number, held);
    }
    heldParty.state = 'connected';
    for (const p of held.parties) if (p.state === 'held') p.state = 'connected';
    held.conference = true;
    this.emit('conferenced', held, [heldParty, ...moved], { actor: number, cause: 'conference', related: active.id });
    return held;
  }

  /** Swaps the device's connected and held calls. */
  alternate(number: string): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number);
    if (activeParty.state !== 'connected') throw new CoreError('noCall', 'the active call is not connected');
    this.holdParty(active, activeParty);
    this.retrieveParty(held, heldParty);
    return held;
  }

  /** Ends the active (consultation) call and retrieves the held one. */
  reconnect(number: string): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number);
    this.leave(active, activeParty, 'normal');
    this.retrieveParty(held, heldParty);
    return held;
  }

  /**
   * Redirects an alerting call (deflect) or blind-transfers a connected one. A blind transfer puts the remaining
   * parties on hold until the target answers (QMI 7.2: call-on-hold, then call-updated).
   */
  divert(number: string, target: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    if (!NUMBER.test(target) || target === number) throw new CoreError('invalidArgument', `divert destination ${target}`);
    this.assertReachable(target);
    const { call, party } = this.deviceCall(number, ['alerting', 'connected'], callId);
    const others = this.activeParties(call).filter((p) => p !== party && p.role !== 'supervisor');
    // Only a call being offered can be deflected (a party ringing into an established call can only decline), and a
    // blind transfer hands over a two-party call: a conference is transferred consultatively.
    if (party.state === 'alerting' && others.some((p) => p.state === 'connected' || p.state === 'hold')) throw new CoreError('invalidState', 'the call is already established: decline it instead');
    if (party.state === 'connected' && others.length !== 1) throw new CoreError('invalidState', 'a conference cannot be blind-transferred');
    const from = call.parties.find((p) => p !== party && p.role === 'caller' && ACTIVE.has(p.state)) ?? call.parties.find((p) => p !== party && ACTIVE.has(p.state));
    if (!from) throw new CoreError('noCall');
    if (party.state === 'alerting') {
      call.firstCalled ??= number;
      call.lastRedirection = { number, cause: 'redirect' };
      call.redirects += 1;
      this.leave(call, party, 'redirect', { keepCall: true, silent: true });
      this.emit('diverted', call, [party], { actor: number, cause: 'redirect', detail: target });
      this.deliver(call, target, from);
      return call;
    }
    call.lastRedirection = { number, cause: 'transfer' };
    this.leave(call, party, 'transfer', { keepCall: true });
    for (const p of call.parties) if (p.state === 'connected') p.state = 'held';
    call.transferBy = number;
    this.emit('transferring', call, [party], { actor: number, cause: 'transfer', detail: target });
    this.deliver(call, target, from);
    return call;
  }

  /** Single-step conference: a new party is called into the device's call. */
  addParty(number: string, added: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    if (!NUMBER.test(added) || added === number) throw new CoreError('invalidArgument', `added number ${added}`);
    const { call } = this.deviceCall(number, ['connected', 'hold'], callId);
    if (this.partyOf(call, added)) throw new CoreError('invalidState', `${added} is already in the call`);
    const dev = this.cc.devices.get(added);
    if (dev) {
      if (dev.dnd || this.deviceBusy(added)) throw new CoreError('destinationBusy', added);
      const party = this.join(call, added, 'added', 'alerting');
      const agent = this.cc.agentAt(added);
      if (agent) this.occupy(agent);
      this.emit('alerting', call, [party], { actor: number });
      this.rearmAlerting(call, party);
    } else {
      const party = this.join(call, added, 'added', 'alerting');
      this.emit('alerting', call, [party], { actor: number });
      this.scheduleExternalAnswer(call, party);
    }
    return call;
  }

  /** Drops another party from the device's conference. */
  dropParty(number: string, remote: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call } = this.deviceCall(number, ['connected', 'hold'], callId);
    const party = this.partyOf(call, remote);
    if (!party || party.number === number) throw new CoreError('invalidArgument', `${remote} is not another party of the call`);
    this.leave(call, party, 'normal');
    return call;
  }

  /** A supervisor joins a call (silently) — QMI CallState 3. */
  supervise(supervisor: string, callId: string): Call {
    this.cc.assertUp('pbxLink');
    const call = this.call(callId);
    if (this.partyOf(call, supervisor)) throw new CoreError('invalidState', `${supervisor} is already in the call`);
    const party = this.join(call, supervisor, 'supervisor', 'connected');
    this.emit('partyAdded', call, [party], { actor: supervisor, detail: supervisor });
    return call;
  }

  /** The IVR plays a prompt to the call — QMI CallState 4. */
  playPrompt(callId: string, prompt: string): Call {
    const call = this.call(callId);
    this.emit('prompt', call, [], { detail: prompt });
    return call;
  }

  setAttached(callId: string, data: Record<string, string>, replace = false): Call {
    const call = this.call(callId);
    call.attached = replace ? { ...data } : { ...call.attached, ...data };
    this.emit('dataChanged', call);
    return call;
  }

  deleteAttached(callId: string, keys: string[]): Call {
    const call = this.call(callId);
    for (const k of keys) delete call.attached[k];
    this.emit('dataChanged', call);
    return call;
  }

  // ------------------------------------------------------------ recording

  /**
   * An active call; one that has ended is refused with a typed "call gone" error, an unknown id with "unknown call"
   * (never an exception about undefined). Public so interfaces can check a call before acting on it.
   */
  liveCall(callId: string): Call {
    const call = this.calls.get(callId);
    if (!call) throw new CoreError(this.everExisted(callId) ? 'callGone' : 'unknownCall', callId);
    return call;
  }

  startRecording(callId: string, source: string): Recording {
    const call = this.liveCall(callId);
    if (call.recording.state !== 'off') throw new CoreError('invalidState', 'the call is already being recorded');
    const now = this.cc.now();
    const agentParty = call.parties.find((p) => p.userId && ACTIVE.has(p.state));
    const rec: Recording = {
      id: this.cc.ids.guid(),
      callId: call.id,
      sipCallId: call.sipCallId,
      parties: this.activeParties(call).map((p) => p.number),
      startedAt: now,
      segments: [{ startMs: now }],
      state: 'recording',
      source,
      metadata: {},
      tagged: false,
      deleted: false,
    };
    if (agentParty?.userId) rec.userId = agentParty.userId;
    if (agentParty) rec.agentNumber = agentParty.number;
    this.recordings.set(rec.id, rec);
    call.recording = { state: 'on', recordingId: rec.id };
    this.emit('recording', call, [], { detail: 'started' });
    this.cc.bus.emit(now, () => ({ type: 'recording', change: 'started', recordingId: rec.id, callId: call.id }));
    return rec;
  }

  private activeRecording(callId: string): { call: Call; rec: Recording } {
    const call = this.liveCall(callId);
    const rec = call.recording.recordingId ? this.recordings.get(call.recording.recordingId) : undefined;
    if (!rec || call.recording.state === 'off') throw new CoreError('invalidState', 'the call is not being recorded');
    return { call, rec };
  }

  pauseRecording(callId: string): Recording {
    const { call, rec } = this.activeRecording(callId);
    if (rec.state !== 'recording') throw new CoreError('invalidState', 'the recording is not running');
    const seg = rec.segments[rec.segments.length - 1];
    if (seg) seg.endMs = this.cc.now();
    rec.state = 'paused';
    call.recording.state = 'paused';
    this.emit('recording', call, [], { detail: 'paused' });
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'paused', recordingId: rec.id, callId }));
    return rec;
  }

  resumeRecording(callId: string): Recording {
    const { call, rec } = this.activeRecording(callId);
    if (rec.state !== 'paused') throw new CoreError('invalidState', 'the recording is not paused');
    rec.segments.push({ startMs: this.cc.now() });
    rec.state = 'recording';
    call.recording.state = 'on';
    this.emit('recording', call, [], { detail: 'resumed' });
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'resumed', recordingId: rec.id, callId }));
    return rec;
  }

  stopRecording(callId: string): Recording {
    const { call, rec } = this.activeRecording(callId);
    this.finishRecording(call, rec.id);
    this.emit('recording', call, [], { detail: 'stopped' });
    return rec;
  }

  private finishRecording(call: Call, recordingId: string): void {
    const rec = this.recordings.get(recordingId);
    call.recording = { state: 'off' };
    if (!rec || rec.state === 'stopped') return;
    const now = this.cc.now();
    const seg = rec.segments[rec.segments.length - 1];
    if (seg && seg.endMs === undefined) seg.endMs = now;
    rec.state = 'stopped';
    rec.endedAt = now;
    this.cc.bus.emit(now, () => ({ type: 'recording', change: 'stopped', recordingId: rec.id, callId: call.id }));
  }

  /** The media layer wrote the recording's file. */
  recordingFileReady(recordingId: string, file: string, bytes: number): void {
    const rec = this.recording(recordingId);
    rec.file = file;
    rec.bytes = bytes;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'fileReady', recordingId, callId: rec.callId }));
  }

  recording(recordingId: string): Recording {
    const rec = this.recordings.get(recordingId);
    if (!rec) throw new CoreError('unknownRecording', recordingId);
    return rec;
  }

  listRecordings(f: RecordingFilter = {}): Recording[] {
    return [...this.recordings.values()].filter(
      (r) =>
        (f.includeDeleted || !r.deleted) &&
        (f.callId === undefined || r.callId === f.callId) &&
        (f.userId === undefined || r.userId?.toUpperCase() === f.userId.toUpperCase()) &&
        (f.from === undefined || r.startedAt >= f.from) &&
        (f.to === undefined || r.startedAt < f.to),
    );
  }

  deleteRecording(recordingId: string): boolean {
    const rec = this.recordings.get(recordingId);
    if (!rec || rec.deleted) return false;
    rec.deleted = true;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'deleted', recordingId, callId: rec.callId }));
    return true;
  }

  setRecordingMetadata(recordingId: string, metadata: Record<string, string | null>, tagged?: boolean): Recording {
    const rec = this.recording(recordingId);
    for (const [k, v] of Object.entries(metadata)) {
      if (v === null) delete rec.metadata[k];
      else rec.metadata[k] = v;
    }
    if (tagged !== undefined) rec.tagged = tagged;
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'recording', change: 'metadata', recordingId, callId: rec.callId }));
    return rec;
  }

  // ------------------------------------------------------------ monitoring

  startMonitor(callId: string, owner: string, mode: 'mixed' | 'separate', targets: { host: string; port: number }[]): MonitorSession {
    const call = this.liveCall(callId);
    if (targets.length === 0) throw new CoreError('invalidArgument', 'no monitoring target');
    const existing = call.monitors.find((m) => m.owner === owner);
    if (existing) call.monitors = call.monitors.filter((m) => m !== existing);
    const session: MonitorSession = { id: this.cc.ids.guid(), owner, mode, targets: targets.map((t) => ({ ...t })), state: 'running' };
    call.monitors.push(session);
    this.emit('monitoring', call, [], { detail: `started:${session.id}` });
    return session;
  }

  private monitorOf(callId: string, owner: string): { call: Call; m: MonitorSession } {
    const call = this.liveCall(callId);
    const m = call.monitors.find((x) => x.owner === owner);
    if (!m) throw new CoreError('invalidState', 'the call is not being monitored by this session');
    return { call, m };
  }

  setMonitorState(callId: string, owner: string, state: 'running' | 'paused'): MonitorSession {
    const { call, m } = this.monitorOf(callId, owner);
    if (m.state === state) throw new CoreError('invalidState', `monitoring is already ${state}`);
    m.state = state;
    this.emit('monitoring', call, [], { detail: `${state === 'paused' ? 'paused' : 'resumed'}:${m.id}` });
    return m;
  }

  stopMonitor(callId: string, owner: string): void {
    const { call, m } = this.monitorOf(callId, owner);
    call.monitors = call.monitors.filter((x) => x !== m);
    this.emit('monitoring', call, [], { detail: `stopped:${m.id}` });
  }

  /** Ends every monitoring session of an owner (its QMI session went away). */
  stopMonitorsOf(owner: string): void {
    for (const call of this.calls.values()) {
      const m = call.monitors.find((x) => x.owner === owner);
      if (!m) continue;
      call.monitors = call.monitors.filter((x) => x !== m);
      this.emit('monitoring', call, [], { detail: `stopped:${m.id}` });
    }
  }

  shutdown(): void {
    for (const c of this.calls.values()) for (const t of c.timers.values()) this.cc.clock.clearTimeout(t);
  }
}
