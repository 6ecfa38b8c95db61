/**
 * How calls come into being and reach their destination: an external party calling in, a device dialling, delivery to
 * a queue, a device (with its forwards and DND) or the outside world, ringing, and answering. Failure to reach the
 * destination ends the call with the cause a PBX would give.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { Agent, Call, CallCause, Device, Forward, Party, Queue } from '../model.js';
import { chosenCallId } from '../ids.js';
import { DIALLABLE } from '../numbering.js';
import { routingInputs } from '../routing/inputs.js';
import { addTally } from '../stats.js';
import type { CallOptions } from './options.js';
import type { CallParts } from './parts.js';
import { ACTIVE } from './registry.js';

const MAX_REDIRECTS = 5;

export class CallDelivery {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  /**
   * Checks, without changing anything, that a call can be sent to `to` (divert, add party): `destinationUnknown` for
   * a number the numbering plan says is unobtainable. Dialling such a number instead makes a call that fails.
   */
  assertReachable(to: string): void {
    if (this.cc.destinationOf(to) === 'unobtainable') throw new CoreError('destinationUnknown', to);
  }

  /** Options with a caller-chosen call id checked (changes nothing: every check comes before the call exists). */
  private withCallId(opts: CallOptions): CallOptions {
    if (opts.callId === undefined) return opts;
    return { ...opts, callId: chosenCallId(opts.callId, (id) => this.p.reg.known(id)) };
  }

  /** An external party calls a queue number or an extension (the simulated world's side). */
  inbound(from: string, to: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    if (!DIALLABLE.test(from)) throw new CoreError('invalidArgument', `caller number ${from}`);
    if (this.cc.isInternal(from)) return this.makeCall(from, to, opts);
    if (!DIALLABLE.test(to)) throw new CoreError('destinationUnknown', to);
    const routing = routingInputs(this.cc, opts);
    const { reg } = this.p;
    const call = reg.create('inbound', to, this.withCallId(opts), routing);
    const caller = reg.join(call, from, 'caller', 'initiated');
    reg.emit('created', call, [caller]);
    this.deliver(call, to, caller);
    return call;
  }

  /** A device dials a number (TelServices makeCall, ICI dial, the agent's phone). */
  makeCall(from: string, to: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    const dev = this.cc.device(from);
    const { reg } = this.p;
    if (!DIALLABLE.test(to)) throw new CoreError('invalidArgument', `called number ${to}`);
    if (to === from) throw new CoreError('invalidArgument', 'a device cannot call itself');
    if (!dev.multiLine && reg.deviceBusy(from)) throw new CoreError('invalidState', `device ${from} is in a call`);
    const routing = routingInputs(this.cc, opts);
    const chosen = this.withCallId(opts);
    const call = reg.create(this.cc.destinationOf(to) === 'external' ? 'outbound' : 'internal', to, chosen, routing);
    const caller = reg.join(call, from, 'caller', 'initiated');
    const served = opts.consultFor !== undefined ? reg.find(opts.consultFor) : undefined;
    if (served?.acd && served.queueId !== undefined) call.forQueue = served.queueId;
    const agent = this.cc.agentAt(from);
    const stats = this.cc.statsOf(agent?.userId);
    if (stats) {
      stats.outgoingOriginated += 1;
      if (call.forQueue !== undefined) stats.acdOutgoingOriginated += 1;
    }
    if (agent) this.occupy(agent);
    reg.emit('created', call, [caller], { actor: from });
    reg.emit('dialled', call, [caller], { actor: from, target: to });
    // A PBX reports the far end ringing a moment after the number is processed; deliveryDelayMs models that gap.
    const delay = this.cc.options.deliveryDelayMs;
    if (delay > 0) reg.setTimer(call, 'deliver', delay, () => this.deliver(call, to, caller));
    else this.deliver(call, to, caller);
    return call;
  }

  /**
   * Sends the call to a number: a phone queue, a device (with its forwards), or the outside world; a number the
   * numbering plan cannot place fails the call as unobtainable (issue 8: it never rings for ever).
   */
  deliver(call: Call, to: string, from: Party): void {
    switch (this.cc.destinationOf(to)) {
      case 'queue':
        return this.p.acd.enqueue(call, this.cc.queue(to));
      case 'device':
        return this.alertDevice(call, this.cc.device(to), from);
      case 'external': {
        const party = this.p.reg.join(call, to, 'called', 'alerting');
        this.p.reg.emit('alerting', call, [party]);
        return this.scheduleExternalAnswer(call, party);
      }
      case 'unobtainable':
        return this.fail(call, 'destNotObtainable');
    }
  }

  /** A closed or full queue sends the call on to its failure route, as a redirect; without one the call fails. */
  routeToFailure(call: Call, queue: Queue, from: Party): void {
    call.redirects += 1;
    if (queue.failureRoute === undefined || call.redirects > MAX_REDIRECTS) return this.fail(call, 'destNotObtainable');
    call.firstCalled ??= queue.address;
    call.lastRedirection = { number: queue.address, cause: 'redirect' };
    this.deliver(call, queue.failureRoute, from);
  }

  scheduleExternalAnswer(call: Call, party: Party): void {
    const ms = call.externalAnswerMs ?? this.cc.options.externalAnswerMs;
    if (ms < 0) return;
    this.p.reg.setTimer(call, `ext:${party.legId}`, ms, () => {
      if (party.state === 'alerting') this.answerParty(call, party);
    });
  }

  fail(call: Call, cause: CallCause): void {
    this.p.reg.emit('failed', call, [], { cause });
    this.p.ending.endCall(call, cause);
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

  /** Rings a device: a direct call applies forwards and DND; an ACD offer (acd) rings the chosen agent as is. */
  alertDevice(call: Call, dev: Device, from: Party, acd?: { queue: Queue; agent: Agent }): void {
    const { reg } = this.p;
    const fromInternal = from.internal;
    if (!acd) {
      const imm = this.forwardFor(dev, ['immediate'], fromInternal);
      if (imm) return this.redirect(call, dev, imm, from);
      if (dev.dnd) return this.fail(call, 'busy');
      // A device already in this call (e.g. the caller, held, reached again through a forward) is busy to it.
      if (reg.deviceBusy(dev.number) || reg.partyOf(call, dev.number)) {
        const busyFwd = this.forwardFor(dev, ['busy'], fromInternal);
        if (busyFwd) return this.redirect(call, dev, busyFwd, from);
        const stats = this.cc.statsOf(dev.userId);
        if (stats) stats.incomingFailed += 1;
        return this.fail(call, 'busy');
      }
    }
    const party = reg.join(call, dev.number, call.parties.some((p) => p.role === 'called' && ACTIVE.has(p.state)) ? 'added' : 'called', 'alerting');
    // Out of the queue: a caller is dialling again; a party blind-transferred into the queue waits, held, as it
    // waits for a transfer's target (so every interface reports the agent's ringing as a blind transfer's target).
    if (from.state === 'queued') from.state = call.transferBy !== undefined ? 'held' : 'initiated';
    const agent = acd?.agent ?? this.cc.agentAt(dev.number);
    if (agent) this.occupy(agent);
    reg.emit('alerting', call, [party]);
    if (acd) {
      call.offer = { legId: party.legId, queueId: acd.queue.id };
      reg.setTimer(call, `ring:${party.legId}`, acd.queue.ringTimeoutSec * 1000, () => this.p.acd.ringNoAnswer(call, party, acd.queue));
    } else {
      const na = this.forwardFor(dev, ['noAnswer'], fromInternal);
      reg.setTimer(call, `ring:${party.legId}`, dev.noAnswerSec * 1000, () => {
        if (party.state !== 'alerting') return;
        if (na) {
          this.p.ending.leave(call, party, 'redirect', { keepCall: true });
          this.redirect(call, dev, na, from);
        } else {
          this.p.ending.leave(call, party, 'noAnswer');
        }
      });
    }
    if (agent?.driver) this.driveAnswer(call, party, agent);
  }

  /** An automatic agent answers after its configured delay. */
  private driveAnswer(call: Call, party: Party, agent: Agent): void {
    if (!agent.driver) return;
    this.p.reg.setTimer(call, `drv:${party.legId}`, agent.driver.answerAfterSec * 1000, () => {
      if (party.state === 'alerting') this.answerParty(call, party);
    });
  }

  /** A leg that moved between calls while ringing keeps ringing with the usual timers. */
  rearmAlerting(call: Call, p: Party): void {
    if (!p.internal) return this.scheduleExternalAnswer(call, p);
    const agent = this.cc.agentAt(p.number);
    if (agent) this.driveAnswer(call, p, agent);
  }

  /** An agent's line is taken by a call: a ready (or wrapping-up) agent becomes busy. */
  occupy(agent: Agent): void {
    if (agent.state === 'ready' || agent.state === 'workingAfterCall') this.cc.changeAgentState(agent, 'busy');
  }

  answerParty(call: Call, party: Party): void {
    const { reg } = this.p;
    const now = this.cc.now();
    if (call.offer?.legId === party.legId) delete call.offer;
    reg.clearPartyTimers(call, party);
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
      reg.setTimer(call, `drv:${party.legId}`, agent.driver.talkSec * 1000, () => {
        if (ACTIVE.has(party.state)) this.p.ending.leave(call, party, 'normal');
      });
    }
    if (call.transferBy !== undefined) {
      const by = call.transferBy;
      delete call.transferBy;
      reg.emit('transferred', call, [party], { actor: by, cause: 'transfer', target: party.number });
    } else if (party.role === 'added' && reg.activeParties(call).filter((p) => p.state === 'connected').length > 2) {
      call.conference = true;
      reg.emit('partyAdded', call, [party], { cause: 'conference' });
    } else {
      reg.emit('answered', call, [party]);
    }
    this.p.recordings.applyPolicy(call);
  }
}
