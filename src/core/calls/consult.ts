/**
 * A device with two calls, one held: consultation, consultative transfer, conference, alternate and reconnect.
 * A consultation is a second call whose `consultFor` names the held one; transfer moves the consulted parties (same
 * legs) into the held call and ends the consultation; conference merges the consultation into the held call.
 */
import type { ContactCenter } from '../center.js';
import { CoreError } from '../errors.js';
import type { Call, Party } from '../model.js';
import { DIALLABLE } from '../numbering.js';
import type { CallOptions } from './options.js';
import type { CallParts } from './parts.js';

/**
 * The two calls of a device a two-call operation acts on, named explicitly (ICI connCallHandle / heldCallHandle,
 * TelServices primOtherNumber / secOtherNumber); a call left out is found as before: the device's active call (its
 * party connected or dialling) and the held call it consults for, else any call it holds.
 */
export interface TwoCalls {
  /** A call the device holds (its party is in `hold`). */
  heldCallId?: string;
  /** The device's active call (its party connected, or dialling for a consultation still ringing). */
  activeCallId?: string;
}

interface HeldAndActive {
  held: Call;
  heldParty: Party;
  active: Call;
  activeParty: Party;
}

export class CallConsult {
  constructor(
    private readonly cc: ContactCenter,
    private readonly p: CallParts,
  ) {}

  /** Holds the device's connected call and dials a consultation call. */
  consult(number: string, target: string, opts: CallOptions = {}): Call {
    this.cc.assertUp('pbxLink');
    if (!DIALLABLE.test(target) || target === number) throw new CoreError('invalidArgument', `consulted number ${target}`);
    const { call: held, party } = this.p.reg.deviceCall(number, ['connected'], opts.consultFor);
    this.p.control.holdParty(held, party);
    return this.p.delivery.makeCall(number, target, { ...opts, consultFor: held.id });
  }

  /**
   * The device's held call and its active call, as named or found (see TwoCalls). A named call that has ended is
   * `callGone`; one the device is not in, or not in the state its role needs, is `noCall`.
   */
  private heldAndActive(number: string, named: TwoCalls): HeldAndActive {
    const { reg } = this.p;
    const calls = reg.callsOf(number);
    const active =
      named.activeCallId !== undefined
        ? reg.deviceCall(number, ['connected', 'initiated'], named.activeCallId).call
        : calls.find((c) => c.id !== named.heldCallId && ['connected', 'initiated'].includes(reg.partyOf(c, number)?.state ?? ''));
    if (!active) throw new CoreError('noCall', `no active call at ${number}`);
    const held =
      named.heldCallId !== undefined
        ? reg.deviceCall(number, ['hold'], named.heldCallId).call
        : ((active.consultFor !== undefined ? calls.find((c) => c.id === active.consultFor && reg.partyOf(c, number)?.state === 'hold') : undefined) ??
          calls.find((c) => c !== active && reg.partyOf(c, number)?.state === 'hold'));
    if (!held || held === active) throw new CoreError('noCall', `no held call at ${number}`);
    const heldParty = reg.partyOf(held, number);
    const activeParty = reg.partyOf(active, number);
    if (!heldParty || !activeParty) throw new CoreError('noCall');
    return { held, heldParty, active, activeParty };
  }

  /**
   * Consultative transfer: the consulted parties replace the device in the held call. The consultation call ends
   * first, then the held call reports the transfer (QMI 7.1 events 5–7).
   */
  transfer(number: string, calls: TwoCalls = {}): Call {
    this.cc.assertUp('pbxLink');
    const { reg, ending } = this.p;
    const { held, heldParty, active, activeParty } = this.heldAndActive(number, calls);
    const moved = reg.activeParties(active).filter((p) => p !== activeParty);
    if (moved.length === 0) throw new CoreError('noCall', 'the consultation has no other party');
    // The device leaves the consultation while the consulted legs are still in it (its history names them), the legs
    // move out, and the consultation ends like any call.
    ending.leave(active, activeParty, 'transfer', { keepCall: true });
    this.moveOut(active, moved);
    ending.endCall(active, 'transfer');
    // The transferring device leaves the held call; the moved legs join it.
    ending.closeParty(held, heldParty, 'transfer', this.cc.now());
    reg.untrack(number, held);
    for (const p of moved) {
      p.role = 'called';
      held.parties.push(p);
      if (p.internal) reg.track(p.number, held);
      if (p.state === 'alerting') this.p.delivery.rearmAlerting(held, p);
    }
    held.lastRedirection = { number, cause: 'transfer' };
    const targetConnected = moved.some((p) => p.state === 'connected');
    for (const p of held.parties) if (p.state === 'held' && targetConnected) p.state = 'connected';
    ending.afterAgentLeft(held, heldParty);
    if (!targetConnected) held.transferBy = number;
    reg.emit('transferred', held, moved, { actor: number, cause: 'transfer', target: moved[0]?.number ?? '', related: active.id });
    // The transferring agent's own recordings stop once the transfer is told (every interface has seen the agent
    // leave and go to wrap-up before it hears of the recording).
    this.p.recordings.leftCall(held, heldParty);
    this.p.recordings.applyPolicy(held);
    return held;
  }

  /**
   * Merges the consultation into the held call: everyone talks together (QMI 7.3). The consultation ends through the
   * same path as any call, reported as `merged`; its own recording and monitoring end with it.
   */
  conference(number: string, calls: TwoCalls = {}): Call {
    this.cc.assertUp('pbxLink');
    const { reg, ending } = this.p;
    const { held, heldParty, active, activeParty } = this.heldAndActive(number, calls);
    const moved = reg.activeParties(active).filter((p) => p !== activeParty);
    if (moved.length === 0 || moved.some((p) => p.state !== 'connected')) throw new CoreError('noCall', 'the consultation is not connected');
    // Issue 8: the device's history record of the consultation names the consulted party, so it closes before the
    // consulted legs move.
    ending.closeParty(active, activeParty, 'conference', this.cc.now());
    reg.untrack(number, active);
    this.moveOut(active, moved);
    ending.endCall(active, 'conference', activeParty, held.id);
    for (const p of moved) {
      p.role = 'added';
      held.parties.push(p);
      if (p.internal) reg.track(p.number, held);
    }
    heldParty.state = 'connected';
    for (const p of held.parties) if (p.state === 'held') p.state = 'connected';
    held.conference = true;
    reg.emit('conferenced', held, [heldParty, ...moved], { actor: number, cause: 'conference', related: active.id });
    this.p.recordings.applyPolicy(held);
    return held;
  }

  /** Legs leave a call for another one: they stop ringing there and are no longer tracked in it. */
  private moveOut(call: Call, legs: Party[]): void {
    call.parties = call.parties.filter((p) => !legs.includes(p));
    for (const p of legs) {
      this.p.reg.clearPartyTimers(call, p);
      if (p.internal) this.p.reg.untrack(p.number, call);
    }
  }

  /** Swaps the device's connected and held calls. */
  alternate(number: string, calls: TwoCalls = {}): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number, calls);
    if (activeParty.state !== 'connected') throw new CoreError('noCall', 'the active call is not connected');
    this.p.control.holdParty(active, activeParty);
    this.p.control.retrieveParty(held, heldParty);
    return held;
  }

  /** Ends the active (consultation) call and retrieves the held one. */
  reconnect(number: string, calls: TwoCalls = {}): Call {
    this.cc.assertUp('pbxLink');
    const { held, heldParty, active, activeParty } = this.heldAndActive(number, calls);
    this.p.ending.leave(active, activeParty, 'normal');
    this.p.control.retrieveParty(held, heldParty);
    return held;
  }
}
