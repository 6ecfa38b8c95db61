/**
 * What a device (or the simulated outside world) does to a call it is in: answer, hold, retrieve, hang up, deflect or
 * blind-transfer, add and drop parties; and what the system does to a call: a supervisor joining, a prompt, attached
 * data.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { Call, Party } from '../model.js';
import { DIALLABLE } from '../numbering.js';
import type { CallParts } from './parts.js';
import { ACTIVE } from './registry.js';

export class CallControl {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  /** A device answers its alerting call (the first one, or the given call). */
  answer(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.p.reg.deviceCall(number, ['alerting'], callId);
    this.p.delivery.answerParty(call, party);
    return call;
  }

  /** The called external party answers (simulated world). */
  externalAnswer(callId: string, number?: string): Call {
    const call = this.p.reg.get(callId);
    const party = call.parties.find((p) => !p.internal && p.state === 'alerting' && (number === undefined || p.number === number));
    if (!party) throw new CoreError('noCall', `no external party alerting in ${callId}`);
    this.p.delivery.answerParty(call, party);
    return call;
  }

  hold(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.p.reg.deviceCall(number, ['connected'], callId);
    this.holdParty(call, party);
    return call;
  }

  holdParty(call: Call, party: Party): void {
    party.state = 'hold';
    for (const p of call.parties) if (p !== party && p.state === 'connected') p.state = 'held';
    this.p.reg.emit('held', call, [party], { actor: party.number, cause: 'heldByOtherParty' });
  }

  retrieve(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    if (callId === undefined && this.p.reg.deviceBusy(number)) throw new CoreError('invalidState', `device ${number} has an active call`);
    const { call, party } = this.p.reg.deviceCall(number, ['hold'], callId);
    this.retrieveParty(call, party);
    return call;
  }

  retrieveParty(call: Call, party: Party): void {
    party.state = 'connected';
    if (!call.parties.some((p) => p !== party && p.state === 'hold')) {
      for (const p of call.parties) if (p.state === 'held') p.state = 'connected';
    }
    this.p.reg.emit('retrieved', call, [party], { actor: party.number, cause: 'retrievedByOtherParty' });
  }

  /** A device hangs up: its connected call first, else its ringing, held or dialling one. */
  drop(number: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call, party } = this.p.reg.deviceCall(number, ['connected', 'initiated', 'alerting', 'hold', 'held', 'queued'], callId);
    if (party.state === 'alerting' && call.offer?.legId === party.legId) {
      // Rejecting an ACD offer returns the call to its queue, as a ring-no-answer would.
      const q = this.cc.queues.get(call.offer.queueId);
      if (q) {
        this.p.reg.clearTimer(call, `ring:${party.legId}`);
        this.p.acd.ringNoAnswer(call, party, q);
        return call;
      }
    }
    this.p.ending.leave(call, party, 'normal');
    return call;
  }

  /** The external (or named) party hangs up (simulated world). */
  hangup(callId: string, number?: string): Call {
    const call = this.p.reg.get(callId);
    const party = call.parties.find((p) => ACTIVE.has(p.state) && (number !== undefined ? p.number === number : !p.internal));
    if (!party) throw new CoreError('invalidArgument', number ? `${number} is not in call ${callId}` : `call ${callId} has no external party`);
    this.p.ending.leave(call, party, 'normal');
    return call;
  }

  /**
   * Redirects an alerting call (deflect) or blind-transfers a connected one. A blind transfer puts the remaining
   * parties on hold until the target answers (QMI 7.2: call-on-hold, then call-updated).
   */
  divert(number: string, target: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { reg } = this.p;
    if (!DIALLABLE.test(target) || target === number) throw new CoreError('invalidArgument', `divert destination ${target}`);
    this.p.delivery.assertReachable(target);
    const { call, party } = reg.deviceCall(number, ['alerting', 'connected'], callId);
    if (reg.partyOf(call, target)) throw new CoreError('invalidArgument', `${target} is already in the call`);
    const others = reg.activeParties(call).filter((p) => p !== party && p.role !== 'supervisor');
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
      this.p.ending.leave(call, party, 'redirect', { keepCall: true, silent: true });
      reg.emit('diverted', call, [party], { actor: number, cause: 'redirect', target });
      this.p.delivery.deliver(call, target, from);
      return call;
    }
    this.blindTransfer(call, party, number, target);
    this.p.delivery.deliver(call, target, from);
    return call;
  }

  /**
   * Blind-transfers the device's connected two-party call into a phone queue (id or number; one without a number
   * too): the device leaves, the other party waits in the queue as it would wait for a transfer's target, and the
   * agent the routing module offers it to is reported as that target (`transferring`, `queued`, `alerting`,
   * `transferred` on answer). An outbound dialer hands an answered customer to its agents this way. Errors:
   * `unknownQueue`, `invalidArgument` (not a phone queue), `noCall`, `invalidState` (a conference), `pbxLinkDown`.
   * A queue that is closed or full sends the call to its failure route, as a call arriving there would be.
   */
  transferToQueue(number: string, queueId: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const queue = this.cc.queue(queueId);
    if (queue.channel !== 'phone') throw new CoreError('invalidArgument', `${queueId} is not a phone queue`);
    const { call, party } = this.p.reg.deviceCall(number, ['connected'], callId);
    const others = this.p.reg.activeParties(call).filter((p) => p !== party && p.role !== 'supervisor');
    if (others.length !== 1) throw new CoreError('invalidState', 'a conference cannot be blind-transferred');
    this.blindTransfer(call, party, number, queue.address);
    this.p.acd.enqueue(call, queue);
    return call;
  }

  /** The transferring device leaves its connected call; the others wait, held, for the target. */
  private blindTransfer(call: Call, party: Party, number: string, target: string): void {
    call.lastRedirection = { number, cause: 'transfer' };
    this.p.ending.leave(call, party, 'transfer', { keepCall: true });
    for (const p of call.parties) if (p.state === 'connected') p.state = 'held';
    call.transferBy = number;
    this.p.reg.emit('transferring', call, [party], { actor: number, cause: 'transfer', target });
    this.p.recordings.leftCall(call, party);
  }

  /** Single-step conference: a new party is called into the device's call. */
  addParty(number: string, added: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { reg, delivery } = this.p;
    if (!DIALLABLE.test(added) || added === number) throw new CoreError('invalidArgument', `added number ${added}`);
    const to = this.cc.destinationOf(added);
    if (to === 'queue') throw new CoreError('invalidArgument', 'a queue cannot be added to a call');
    if (to === 'unobtainable') throw new CoreError('destinationUnknown', added);
    const { call } = reg.deviceCall(number, ['connected', 'hold'], callId);
    if (reg.partyOf(call, added)) throw new CoreError('invalidState', `${added} is already in the call`);
    const dev = this.cc.devices.get(added);
    if (dev) {
      if (dev.dnd || reg.deviceBusy(added)) throw new CoreError('destinationBusy', added);
      const party = reg.join(call, added, 'added', 'alerting');
      const agent = this.cc.agentAt(added);
      if (agent) delivery.occupy(agent);
      reg.emit('alerting', call, [party], { actor: number });
      delivery.rearmAlerting(call, party);
    } else {
      const party = reg.join(call, added, 'added', 'alerting');
      reg.emit('alerting', call, [party], { actor: number });
      delivery.scheduleExternalAnswer(call, party);
    }
    return call;
  }

  /** Drops another party from the device's conference. */
  dropParty(number: string, remote: string, callId?: string): Call {
    this.cc.assertUp('pbxLink');
    const { call } = this.p.reg.deviceCall(number, ['connected', 'hold'], callId);
    const party = this.p.reg.partyOf(call, remote);
    if (!party || party.number === number) throw new CoreError('invalidArgument', `${remote} is not another party of the call`);
    this.p.ending.leave(call, party, 'normal');
    return call;
  }

  /** A supervisor joins a call (silently) — QMI CallState 3. */
  supervise(supervisor: string, callId: string): Call {
    this.cc.assertUp('pbxLink');
    const call = this.p.reg.get(callId);
    if (this.p.reg.partyOf(call, supervisor)) throw new CoreError('invalidState', `${supervisor} is already in the call`);
    const party = this.p.reg.join(call, supervisor, 'supervisor', 'connected');
    this.p.reg.emit('partyAdded', call, [party], { actor: supervisor });
    return call;
  }

  /** The IVR plays a prompt to the call — QMI CallState 4. */
  playPrompt(callId: string, prompt: string): Call {
    const call = this.p.reg.get(callId);
    this.p.reg.emit('prompt', call, [], { prompt });
    return call;
  }

  setAttached(callId: string, data: Record<string, string>, replace = false): Call {
    const call = this.p.reg.get(callId);
    call.attached = replace ? { ...data } : { ...call.attached, ...data };
    this.p.reg.emit('dataChanged', call);
    return call;
  }

  deleteAttached(callId: string, keys: string[]): Call {
    const call = this.p.reg.get(callId);
    for (const k of keys) delete call.attached[k];
    this.p.reg.emit('dataChanged', call);
    return call;
  }
}
