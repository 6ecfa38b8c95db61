/**
 * What each PBX device sees of its calls, in TelServices terms (seed "Events / Call").
 *
 * TelServices reports calls per monitored device: a call `id` per device, the primary call ("the first existing
 * call") and the secondary ("the consulted call"), a state from nine, the other party, durations and causes. The core
 * reports calls globally with parties (legs). A device's view is keyed by the core party's legId: a leg keeps its id
 * when the core moves it from a consultation into the held call on transfer or conference, so the device keeps its
 * call id too (seed example 4: device 1104 stays on call 1 through two transfers).
 *
 * Call ids are the device's call appearances: the smallest free number, from 1, so a device without calls starts
 * again at 1 (every seed example shows id 1).
 */
import type { CallChange, CallEvent, PartyState } from '../../core/index.js';
import { CLEARED_CAUSE, permittedServices, type TsCallState, type TsCause, type TsService } from './projection.js';

/** The parts of a core party the view reads (a live Party and a PartyView both fit). */
export interface PartyLike {
  legId: string;
  number: string;
  role: string;
  state: PartyState;
  internal: boolean;
  connectedAt?: number;
  cause?: string;
}

/** The parts of a core call the view reads (a live Call and a CallView both fit). */
export interface CallLike {
  id: string;
  reference: number;
  parties: readonly PartyLike[];
  dialled: string;
  direction: 'inbound' | 'outbound' | 'internal';
  firstCalled?: string;
  lastRedirection?: { number: string; cause: 'redirect' | 'transfer' };
  acd: boolean;
  consultFor?: string;
  conference: boolean;
  attached: Record<string, string>;
}

/** One call as a device sees it (seed "primCall"/"secCall"). */
export interface CallInfo {
  state: TsCallState;
  /** Other party's number; '' while the device has not dialled yet (seed example 1: `<number/>`). */
  other: string;
  added: string[];
  firstOther?: string;
  firstCalled?: string;
  lastRedirection?: string;
  durationSec: number;
  isOutgoing: boolean;
  isConference: boolean;
  reference: number;
  cause?: TsCause;
}

/** One seed `call` element: the device's primary and secondary call and what it may do. */
export interface CallReport {
  id: number;
  prim?: CallInfo;
  sec?: CallInfo;
  permitted: readonly TsService[];
  extraData?: string;
}

export interface DeviceCallUpdate {
  device: string;
  report: CallReport;
  /** State of the call this update is about (restricted sessions only get alerting ones). */
  changedState: TsCallState;
  /**
   * The device put its call on hold. A consultation usually follows at once; the seed's example 3 shows the hold
   * only together with the new call, so the sender holds this update back until it knows.
   */
  holdBeforeConsult?: { callId: string };
}

interface Leg {
  legId: string;
  slot: number;
  callId: string;
  state: TsCallState;
  dialled: boolean;
  durationStart?: number;
  frozenSec?: number;
  firstOther?: string;
  lastOthers: string[];
  pendingCause?: TsCause;
  /** The transfer (cause and transferring party) this leg last reported: each transfer is reported once. */
  transferReported?: string;
  signature: string;
  last?: CallInfo;
  extraData?: string;
}

export interface DeviceViewDeps {
  now(): number;
  /** A live call, to refresh the device's other call in an event. */
  findCall(callId: string): CallLike | undefined;
  /** Routing points divert with cause "route" (seed cause 9) instead of redirect/transfer. */
  isRoutingPoint(number: string): boolean;
  /** Seed firstOtherParty "(see the setting)". */
  presentFirstOther: boolean;
}

const IGNORED: ReadonlySet<CallChange> = new Set(['recording', 'monitoring', 'prompt']);
/** Changes after which the other parties' own events wait for the next one (the new destination ringing). */
const REDIRECTING: ReadonlySet<CallChange> = new Set(['diverted', 'transferring']);
const LIVE_STATES: ReadonlySet<TsCallState> = new Set(['connected', 'hold']);

export class DeviceViews {
  private readonly devices = new Map<string, Map<string, Leg>>();

  constructor(private readonly deps: DeviceViewDeps) {}

  /** Projects one core call event; returns one update per device whose view changed. */
  apply(e: CallEvent): DeviceCallUpdate[] {
    if (IGNORED.has(e.change)) return [];
    const now = this.deps.now();
    const touched = new Map<string, Leg[]>();
    const holdFor = new Set<string>();
    for (const p of e.call.parties) {
      if (!p.internal || p.role === 'supervisor') continue;
      const legs = this.devices.get(p.number);
      let leg = legs?.get(p.legId);
      if (leg === undefined) {
        if (p.state === 'ended') continue;
        leg = this.newLeg(p.number, p, e.call);
      }
      leg.callId = e.call.id;
      if (e.change === 'dialled' && e.legs.includes(p.legId)) leg.dialled = true;
      const state = this.stateOf(p, e.call, leg, e.change);
      let cause = this.causeOf(p, e, state);
      if (REDIRECTING.has(e.change) && p.number !== e.actor && p.state !== 'ended') {
        // Seed example 5: the caller learns of the redirection when the new destination rings.
        leg.pendingCause = this.routeOr(e.actor, e.change === 'diverted' ? 'redirect' : 'transfer');
        continue;
      }
      if (cause === undefined && leg.pendingCause !== undefined) {
        cause = leg.pendingCause;
        delete leg.pendingCause;
      }
      // The target of a blind transfer learns of it as it starts ringing (seed "Call": B and C get a call event with
      // cause transfer, C "could be alerting").
      if (cause === undefined && leg.last === undefined && p.state === 'alerting' && blindTransferPending(e.call)) {
        cause = this.routeOr(e.call.lastRedirection?.number, 'transfer');
      }
      cause = this.oncePerTransfer(leg, cause, e.call);
      // The original party matters to a consulted device until the transfer completes.
      if (e.change === 'transferred') delete leg.firstOther;
      const info = this.info(leg, p, e.call, state, cause, now);
      const signature = signatureOf(info, leg.extraData);
      const isNew = leg.last === undefined;
      leg.state = state;
      if (!isNew && signature === leg.signature && cause === undefined) continue;
      leg.signature = signature;
      leg.last = info;
      if (cause === 'transfer' || cause === 'route') {
        // Seed "Call": the transfer event carries the duration of the call with the transferrer, then it restarts for
        // a party that was connected (one still ringing starts its duration when it answers).
        if (state === 'connected' || leg.durationStart !== undefined) leg.durationStart = now;
      }
      if (e.change === 'held' && p.state === 'hold' && p.number === e.actor) holdFor.add(p.number);
      const list = touched.get(p.number) ?? [];
      list.push(leg);
      touched.set(p.number, list);
    }
    const out: DeviceCallUpdate[] = [];
    for (const [device, legs] of touched) {
      const changed = legs[legs.length - 1] as Leg;
      const update: DeviceCallUpdate = { device, report: this.compose(device, changed), changedState: changed.state };
      if (holdFor.has(device)) update.holdBeforeConsult = { callId: e.call.id };
      out.push(update);
      this.forgetCleared(device);
    }
    return out;
  }

  /** Every call of a device (seed "Snapshot": calls), paired into primary/secondary call elements. */
  reports(device: string): CallReport[] {
    const legs = this.sorted(device);
    const out: CallReport[] = [];
    for (let i = 0; i < legs.length; i += 2) {
      const a = legs[i] as Leg;
      const b = legs[i + 1];
      const prim = this.refresh(a);
      const sec = b ? this.refresh(b) : undefined;
      out.push(this.report(a, prim, b, sec));
    }
    return out;
  }

  /** Devices with calls in progress (diagnostics and tests). */
  activeDevices(): string[] {
    return [...this.devices.keys()];
  }

  // ---------------------------------------------------------------- internals

  private newLeg(device: string, p: PartyLike, call: CallLike): Leg {
    let legs = this.devices.get(device);
    if (!legs) {
      legs = new Map();
      this.devices.set(device, legs);
    }
    const used = new Set([...legs.values()].map((l) => l.slot));
    let slot = 1;
    while (used.has(slot)) slot++;
    const leg: Leg = { legId: p.legId, slot, callId: call.id, state: 'initiated', dialled: false, lastOthers: [], signature: '' };
    // Seed firstOtherParty: the consulted device is shown the party the consulting device is talking to.
    if (this.deps.presentFirstOther && call.consultFor !== undefined && p.role !== 'caller') {
      const held = this.deps.findCall(call.consultFor);
      const consulter = call.parties.find((q) => q.role === 'caller');
      const first = held?.parties.find((q) => q.number !== consulter?.number && q.state !== 'ended' && q.role !== 'supervisor');
      if (first) leg.firstOther = first.number;
    }
    legs.set(p.legId, leg);
    return leg;
  }

  private stateOf(p: PartyLike, call: CallLike, leg: Leg, change: CallChange): TsCallState {
    const others = presentOthers(call, p);
    switch (p.state) {
      case 'ended':
        return 'cleared';
      case 'initiated':
        if (change === 'failed' && p.role === 'caller') return 'failed';
        if (others.some((q) => q.state === 'alerting')) return 'delivered';
        return leg.dialled ? 'originated' : 'initiated';
      case 'queued':
        return 'queued';
      case 'alerting':
        return 'alerting';
      case 'connected':
        return 'connected';
      case 'hold':
        return 'hold';
      case 'held':
        // Held by the other side: the device's call is still connected (cause heldByOtherParty). Held with nobody
        // holding: a blind transfer waits for its target, which rings for this device.
        if (call.parties.some((q) => q.state === 'hold')) return 'connected';
        return others.some((q) => q.state === 'alerting') ? 'delivered' : 'connected';
    }
  }

  private causeOf(p: PartyLike, e: CallEvent, state: TsCallState): TsCause | undefined {
    const byOther = p.number !== e.actor;
    if (p.state === 'ended') {
      if (state === 'failed') return undefined;
      const c = p.cause !== undefined ? CLEARED_CAUSE[p.cause as keyof typeof CLEARED_CAUSE] : undefined;
      return c === 'transfer' || c === 'redirect' ? this.routeOr(e.actor, c) : c;
    }
    switch (e.change) {
      case 'failed':
        return e.cause !== undefined ? CLEARED_CAUSE[e.cause] : undefined;
      case 'held':
        return p.state === 'held' ? 'heldByOtherParty' : undefined;
      case 'retrieved':
        return byOther ? 'retrievedByOtherParty' : undefined;
      case 'transferred':
        return byOther ? this.routeOr(e.actor, 'transfer') : undefined;
      case 'conferenced':
        return byOther ? 'conference' : undefined;
      case 'partyAdded':
        return e.cause === 'conference' ? 'conference' : undefined;
      default:
        return undefined;
    }
  }

  /**
   * A transfer is reported once per device: when the target answers later (or a consultative transfer completes on
   * answer), the events that follow carry no cause again (seed example 4 shows one transfer event per transfer).
   */
  private oncePerTransfer(leg: Leg, cause: TsCause | undefined, call: CallLike): TsCause | undefined {
    if (cause !== 'transfer' && cause !== 'route') return cause;
    const key = `${cause}|${call.lastRedirection?.number ?? ''}`;
    if (leg.transferReported === key) return undefined;
    leg.transferReported = key;
    return cause;
  }

  private routeOr(actor: string | undefined, cause: 'transfer' | 'redirect'): TsCause {
    return actor !== undefined && this.deps.isRoutingPoint(actor) ? 'route' : cause;
  }

  private info(leg: Leg, p: PartyLike, call: CallLike, state: TsCallState, cause: TsCause | undefined, now: number): CallInfo {
    const present = presentOthers(call, p);
    // A party still ringing joins the other parties only when nobody else is there (delivered); an added party
    // ringing into a call is not yet one of its addedParties.
    const settled = present.filter((q) => q.state !== 'alerting');
    const others = settled.length > 0 ? settled : present;
    let numbers: string[];
    if (state === 'cleared' || state === 'failed') numbers = leg.lastOthers.length > 0 ? leg.lastOthers : [call.dialled];
    else if (others.length > 0) numbers = others.map((q) => (q.number === '' ? `*****-${call.reference}` : q.number));
    else numbers = state === 'initiated' ? [''] : [call.dialled];
    if (others.length > 0) leg.lastOthers = numbers;
    // Seed "duration": seconds since connected, stopped when either side drops.
    if (LIVE_STATES.has(state) && leg.durationStart === undefined) leg.durationStart = p.connectedAt ?? now;
    const running = leg.durationStart !== undefined ? Math.max(0, Math.floor((now - leg.durationStart) / 1000)) : 0;
    const durationSec = leg.frozenSec ?? running;
    if (state === 'cleared' || state === 'failed') leg.frozenSec = durationSec;
    const lastRedirection = call.lastRedirection?.number;
    // An ACD call was first called at the queue number its caller dialled; an outbound call (a campaign's, handed to
    // its queue by the routing point) dialled a customer, never a queue.
    const firstCalled = call.firstCalled ?? (call.acd && p.role !== 'caller' && call.direction !== 'outbound' ? call.dialled : undefined);
    const extra = call.attached['extraData'];
    if (extra !== undefined) leg.extraData = extra;
    const info: CallInfo = {
      state,
      other: numbers[0] ?? '',
      added: numbers.slice(1),
      durationSec,
      isOutgoing: p.role === 'caller',
      isConference: call.conference,
      reference: call.reference,
    };
    if (leg.firstOther !== undefined && leg.firstOther !== info.other) info.firstOther = leg.firstOther;
    if (firstCalled !== undefined && firstCalled !== p.number) info.firstCalled = firstCalled;
    if (lastRedirection !== undefined && lastRedirection !== p.number) info.lastRedirection = lastRedirection;
    if (cause !== undefined) info.cause = cause;
    return info;
  }

  /** The leg's last info with durations brought up to now (a device's other call in an event, snapshots). */
  private refresh(leg: Leg): CallInfo {
    const call = this.deps.findCall(leg.callId);
    const p = call?.parties.find((q) => q.legId === leg.legId);
    if (call && p && p.state !== 'ended') return this.info(leg, p, call, leg.state, undefined, this.deps.now());
    const last = leg.last ?? { state: leg.state, other: '', added: [], durationSec: 0, isOutgoing: false, isConference: false, reference: 0 };
    const { cause: _cause, ...rest } = last;
    return rest;
  }

  private sorted(device: string): Leg[] {
    return [...(this.devices.get(device)?.values() ?? [])].sort((a, b) => a.slot - b.slot);
  }

  private compose(device: string, changed: Leg): CallReport {
    const legs = this.sorted(device);
    let prim = legs[0] as Leg;
    let sec = legs[1];
    // More than two calls: the primary stays first and the call that changed is shown as the secondary.
    if (changed !== prim && changed !== sec) sec = changed;
    if (sec !== undefined && sec.slot < prim.slot) [prim, sec] = [sec, prim];
    return this.report(prim, this.infoOf(prim, changed), sec, sec ? this.infoOf(sec, changed) : undefined);
  }

  /** The changed leg's info as just worked out; another leg's brought up to now. */
  private infoOf(l: Leg, changed: Leg): CallInfo {
    return l === changed ? (l.last as CallInfo) : this.refresh(l);
  }

  private report(primLeg: Leg, prim: CallInfo, secLeg: Leg | undefined, sec: CallInfo | undefined): CallReport {
    const r: CallReport = { id: primLeg.slot, prim, permitted: permittedServices(prim.state, sec?.state) };
    if (sec) r.sec = sec;
    const extraData = secLeg?.extraData ?? primLeg.extraData;
    if (extraData !== undefined) r.extraData = extraData;
    return r;
  }

  private forgetCleared(device: string): void {
    const legs = this.devices.get(device);
    if (!legs) return;
    // A failed call stays until the core ends it (the next event reports it cleared).
    for (const [id, l] of legs) if (l.state === 'cleared') legs.delete(id);
    if (legs.size === 0) this.devices.delete(device);
  }
}

/** A blind transfer waits for its target: the remaining parties are held and nobody holds them. */
function blindTransferPending(call: CallLike): boolean {
  return call.lastRedirection?.cause === 'transfer' && call.parties.some((q) => q.state === 'held') && !call.parties.some((q) => q.state === 'hold');
}

/** The call's other parties still on it (supervisors listen in unseen). */
function presentOthers(call: CallLike, p: PartyLike): PartyLike[] {
  return call.parties.filter((q) => q.legId !== p.legId && q.state !== 'ended' && q.role !== 'supervisor');
}

function signatureOf(i: CallInfo, extraData: string | undefined): string {
  return [i.state, i.other, i.added.join(','), i.isConference, i.lastRedirection ?? '', i.firstCalled ?? '', extraData ?? ''].join('|');
}
