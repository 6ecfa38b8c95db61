/**
 * The registry of live calls: calls by id, the calls each device takes part in, ended call ids (so a late request
 * gets "call gone"), call creation, joining parties, call timers and the one place call events are emitted.
 * Every other file under calls/ works through it.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { CallChange, CallEvent } from '../events.js';
import type { Agent, Call, CallDirection, Party, PartyRole, PartyState, RoutingInputs } from '../model.js';
import { viewCall } from '../views.js';
import type { CallOptions } from './options.js';

/** Party states of someone still in the call. */
export const ACTIVE: ReadonlySet<PartyState> = new Set(['initiated', 'queued', 'alerting', 'connected', 'hold', 'held']);
/** A device with a party in one of these states cannot take another call (a held call does not occupy the line). */
export const OCCUPYING: ReadonlySet<PartyState> = new Set(['initiated', 'queued', 'alerting', 'connected']);
/** Timers a party owns in its call: ring timeout, automatic driver, external answer. */
export const PARTY_TIMERS = ['ring', 'drv', 'ext'] as const;
/** Ended call ids remembered for "call gone" answers. */
const REMEMBERED_ENDED = 50_000;

/** What an event adds to the call snapshot and its legs (see CallEvent). */
export type CallEventExtra = Partial<Omit<CallEvent, 'type' | 'change' | 'call' | 'legs'>>;

export class CallRegistry {
  private readonly calls = new Map<string, Call>();
  private readonly byDevice = new Map<string, Set<Call>>();
  /** Ended calls are remembered (bounded) so a late request gets "call gone" rather than "unknown call". */
  private readonly ended = new Set<string>();

  constructor(private readonly cc: ContactCenter) {}

  // ------------------------------------------------------------ lookups

  find(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /** An active call; `unknownCall` otherwise. */
  get(callId: string): Call {
    const c = this.calls.get(callId);
    if (!c) throw new CoreError('unknownCall', callId);
    return c;
  }

  /** An active call; `callGone` for one that ended (remembered), `unknownCall` for an id never seen. */
  live(callId: string): Call {
    const call = this.calls.get(callId);
    if (!call) throw new CoreError(this.ended.has(callId) ? 'callGone' : 'unknownCall', callId);
    return call;
  }

  all(): Call[] {
    return [...this.calls.values()];
  }

  values(): IterableIterator<Call> {
    return this.calls.values();
  }

  get size(): number {
    return this.calls.size;
  }

  /** Whether an id belongs to an active call or a remembered ended one. */
  known(callId: string): boolean {
    return this.calls.has(callId) || this.ended.has(callId);
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

  /** The party still in the call with the caller role, if any. */
  caller(call: Call): Party | undefined {
    return call.parties.find((p) => p.role === 'caller' && ACTIVE.has(p.state));
  }

  deviceBusy(number: string): boolean {
    for (const c of this.byDevice.get(number) ?? []) {
      const p = this.partyOf(c, number);
      if (p && OCCUPYING.has(p.state)) return true;
    }
    return false;
  }

  agentOnCall(agent: Agent): boolean {
    for (const c of this.byDevice.get(agent.extension) ?? []) if (this.partyOf(c, agent.extension)) return true;
    return false;
  }

  /**
   * The device's call with its party in one of `states` (the first state that has one), or the named call. A named
   * call that never existed is `unknownCall`, one that ended `callGone`, one the device is not in or not in those
   * states `noCall`.
   */
  deviceCall(number: string, states: readonly PartyState[], callId?: string): { call: Call; party: Party } {
    this.cc.device(number);
    if (callId !== undefined) {
      const call = this.calls.get(callId);
      if (!call) throw new CoreError(this.ended.has(callId) ? 'callGone' : 'unknownCall', callId);
      const party = this.partyOf(call, number);
      if (!party || !states.includes(party.state)) throw new CoreError('noCall', `call ${callId} is not in state ${states.join(' or ')} at ${number}`);
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

  // ------------------------------------------------------------ events

  emit(change: CallChange, call: Call, legs: Party[] = [], extra: CallEventExtra = {}): void {
    this.cc.bus.emit(this.cc.now(), () => ({ type: 'call', change, call: viewCall(call), legs: legs.map((l) => l.legId), ...extra }));
  }

  // ------------------------------------------------------------ creation

  /** A new active call; `routing` comes validated from routingInputs(), `opts.callId` from chosenCallId(). */
  create(direction: CallDirection, dialled: string, opts: CallOptions, routing: RoutingInputs): Call {
    const now = this.cc.now();
    const o = this.cc.options;
    const id = opts.callId ?? this.cc.ids.guid();
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
      routing,
      gateway: { ip: o.gatewayIp, port: o.gatewayPort },
      mrs: { ip: o.mrsIp, port: o.mrsPort + ((this.calls.size * 2) % 20000) },
      codec: 'G711',
      recordings: [],
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

  join(call: Call, number: string, role: PartyRole, state: PartyState): Party {
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

  track(number: string, call: Call): void {
    let set = this.byDevice.get(number);
    if (!set) {
      set = new Set();
      this.byDevice.set(number, set);
    }
    set.add(call);
  }

  /** The device no longer takes part in the call (unless another of its parties is still in it). */
  untrack(number: string, call: Call): void {
    if (call.parties.some((p) => p.number === number && ACTIVE.has(p.state))) return;
    const set = this.byDevice.get(number);
    if (!set) return;
    set.delete(call);
    if (set.size === 0) this.byDevice.delete(number);
  }

  /** The call leaves the registry; its id is remembered for "call gone" answers. */
  forget(call: Call): void {
    this.calls.delete(call.id);
    this.ended.add(call.id);
    if (this.ended.size > REMEMBERED_ENDED) {
      const oldest = this.ended.values().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  // ------------------------------------------------------------ timers

  /** A timer owned by the call: it never fires once the call has ended. */
  setTimer(call: Call, key: string, ms: number, fn: () => void): void {
    this.cc.clock.clearTimeout(call.timers.get(key));
    call.timers.set(
      key,
      this.cc.clock.setTimeout(() => {
        call.timers.delete(key);
        if (call.state === 'active') fn();
      }, ms),
    );
  }

  clearTimer(call: Call, key: string): void {
    this.cc.clock.clearTimeout(call.timers.get(key));
    call.timers.delete(key);
  }

  clearPartyTimers(call: Call, party: Party): void {
    for (const key of PARTY_TIMERS) this.clearTimer(call, `${key}:${party.legId}`);
  }

  clearTimers(call: Call): void {
    for (const t of call.timers.values()) this.cc.clock.clearTimeout(t);
    call.timers.clear();
  }

  /** Reset: ended ids are forgotten, so they may be chosen again. */
  forgetEnded(): void {
    this.ended.clear();
  }

  shutdown(): void {
    for (const c of this.calls.values()) this.clearTimers(c);
  }
}
