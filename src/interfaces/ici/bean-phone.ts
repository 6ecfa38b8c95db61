/**
 * IciPhoneLine (seed 002 §9.6) and IciPhoneCall (§9.7): the line's calls and call control. Every operation is a core
 * command on the line's device (lineNumber = containerId, every …CallHandle = itemId), so every interface reports it:
 * an ICI hold is a TelServices hold event and a QMI Callonhold. Two-call operations name both calls
 * (connCallHandle / heldCallHandle) as the core's TwoCalls.
 */
import { CoreError, type TwoCalls } from '../../core/index.js';
import { createdItem, lineParam, nextStep, requireNoCallInProcess, requireOnLine } from './bean-item.js';
import { requireCapability, type CapableOperation } from './capabilities.js';
import { answer, type BeanHandler, type BeanRequest } from './handler.js';
import { callIdOf } from './items.js';
import { canonical } from './numbers.js';
import type { Oii } from './oii.js';
import { reqText } from './params.js';
import { esc } from './xml-out.js';

function handle(req: BeanRequest, name = 'callHandle'): string {
  return callIdOf(reqText(req.element, name));
}

function twoCalls(req: BeanRequest): TwoCalls {
  return { activeCallId: handle(req, 'connCallHandle'), heldCallId: handle(req, 'heldCallHandle') };
}

/**
 * The call `callId` of the line, its status listing `op`'s capability (table 10.12.3); a call the line has no item of
 * is left to the core (unknown, over).
 */
function capableCall(oii: Oii, line: string, callId: string, op: CapableOperation): void {
  requireOnLine(oii, line, callId);
  const item = oii.items.get(line, callId);
  if (item !== undefined) requireCapability(item, op);
}

/** A one-call command: `act(line, callId)`, then the void answer. */
function oneCall(op: CapableOperation, act: (oii: Oii, line: string, callId: string) => unknown): BeanHandler {
  return (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const callId = handle(req);
    capableCall(oii, line, callId, op);
    act(oii, line, callId);
    return answer(req, null);
  };
}

/** A two-call command on the line's connected and held calls. */
function bothCalls(op: CapableOperation, act: (oii: Oii, line: string, calls: TwoCalls) => unknown): BeanHandler {
  return (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const calls = twoCalls(req);
    // Table 10.12.3 lists the two-call capabilities (104, 105, 109, 110) in Hold, the status of the call this line put on
    // hold: that call must have them. The other may still be Dialing or Ringing (a consultation given up or
    // transferred before it is answered), whose status lists only drop.
    if (calls.activeCallId !== undefined) requireOnLine(oii, line, calls.activeCallId);
    if (calls.heldCallId !== undefined) capableCall(oii, line, calls.heldCallId, op);
    act(oii, line, calls);
    return answer(req, null);
  };
}

export const PHONE_HANDLERS: Record<string, BeanHandler> = {
  // §9.6.1: every call the line's CRM sees, created items included.
  'IciPhoneLine.getCalls': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const calls = oii.items.ofLine(line).filter((i) => i.visible);
    return answer(req, calls.length === 0 ? null : calls.map((i) => `<item>${oii.phoneCall(i)}</item>`).join(''));
  },

  'IciPhoneLine.dropCalls': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    for (const item of oii.items.ofLine(line)) if (item.state === 'created') oii.dropCreated(item);
    for (const call of oii.center.telephony.callsOf(line)) oii.center.telephony.drop(line, call.id);
    return answer(req, null);
  },

  'IciPhoneCall.getAttributes': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const callId = handle(req);
    const item = oii.items.get(line, callId);
    if (item === undefined) {
      oii.center.telephony.liveCall(callId);
      throw new CoreError('unknownCall', `call ${reqText(req.element, 'callHandle')} is not on line ${line}`);
    }
    return answer(req, oii.phoneCall(item));
  },

  // §9.7.2: the item from IciItem.create is dialled; the answer is the number dialled, canonical.
  'IciPhoneCall.dial': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const number = oii.toCore(reqText(req.element, 'dialNumber'));
    const item = createdItem(oii, line, reqText(req.element, 'callHandle'));
    requireNoCallInProcess(oii, line);
    const held = oii.heldCad.get(item.callId);
    oii.center.telephony.makeCall(line, number, { callId: item.callId, ...(held === undefined ? {} : { attached: { XML: held } }) });
    if (held !== undefined && oii.cfg.setExtraData) oii.heldCad.delete(item.callId);
    return answer(req, esc(canonical(number, oii.plan)));
  },

  // §9.7.3: the created item becomes the consultation of the connected call, which goes on hold.
  'IciPhoneCall.consult': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const number = oii.toCore(reqText(req.element, 'dialNumber'));
    const consultFor = handle(req, 'connCallHandle');
    const step = nextStep(req);
    const item = createdItem(oii, line, reqText(req.element, 'callHandle'));
    item.nextStep = step;
    const held = oii.heldCad.get(item.callId);
    oii.center.telephony.consult(line, number, { callId: item.callId, consultFor, ...(held === undefined ? {} : { attached: { XML: held } }) });
    if (held !== undefined && oii.cfg.setExtraData) oii.heldCad.delete(item.callId);
    return answer(req, null);
  },

  // §9.7.4: "Does not wait": the held call goes to the consulted party; its own events follow.
  'IciPhoneCall.transfer': bothCalls('IciPhoneCall.transfer', (oii, line, calls) => oii.center.telephony.transfer(line, calls)),
  'IciPhoneCall.reconnect': bothCalls('IciPhoneCall.reconnect', (oii, line, calls) => oii.center.telephony.reconnect(line, calls)),
  'IciPhoneCall.alternate': bothCalls('IciPhoneCall.alternate', (oii, line, calls) => oii.center.telephony.alternate(line, calls)),
  'IciPhoneCall.conference': bothCalls('IciPhoneCall.conference', (oii, line, calls) => oii.center.telephony.conference(line, calls)),

  'IciPhoneCall.drop': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const callId = handle(req);
    capableCall(oii, line, callId, 'IciPhoneCall.drop');
    const item = oii.items.get(line, callId);
    // A created item that was never dialled just goes.
    if (item?.state === 'created') oii.dropCreated(item);
    else oii.center.telephony.drop(line, callId);
    return answer(req, null);
  },

  'IciPhoneCall.hold': oneCall('IciPhoneCall.hold', (oii, line, callId) => oii.center.telephony.hold(line, callId)),
  'IciPhoneCall.unhold': oneCall('IciPhoneCall.unhold', (oii, line, callId) => oii.center.telephony.retrieve(line, callId)),

  'IciPhoneCall.dropParty': (oii, req) => {
    const line = lineParam(oii, req, 'lineNumber');
    const remote = oii.toCore(reqText(req.element, 'remoteNumber'));
    const callId = handle(req);
    // §9.7.11 "drops another extension from a conference call": only a conference's owner has capability 106.
    capableCall(oii, line, callId, 'IciPhoneCall.dropParty');
    oii.center.telephony.dropParty(line, remote, callId);
    return answer(req, null);
  },
};
