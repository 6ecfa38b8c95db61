/**
 * IciItem (seed 002 §9.4) for phone calls: items created before they are dialled, accept, reroute, forward, wrap-up
 * and attached data. Items of the other channels (channelType/destType 2–4) are ICI part 2.
 */
import { CORE_ERRORS, CoreError, isCoreError, viewCall, type CoreErrorCode } from '../../core/index.js';
import { child, isNil, parseXmlText, XmlInputError } from '../../xml/index.js';
import { CALL_STATUS, ITEM_CREATED, PROCESSING_STATUS } from './call-status.js';
import { capableItems, requireCapability, type CapableOperation } from './capabilities.js';
import { badRequest, IciError, ICI_ERRORS } from './faults.js';
import { answer, type BeanHandler, type BeanRequest } from './handler.js';
import { callIdOf, handleOf, type LineItem } from './items.js';
import type { Oii } from './oii.js';
import { optText, reqChoice, reqText } from './params.js';
import { array, esc, leaf, textElement } from './xml-out.js';

/**
 * Items a line may have created and not dialled yet; one more drops nothing and is refused (4/5, errorRetry false:
 * only dialling, dropping, dropCalls, a login, a reset or `ici.createdItemTimeoutSec` free a place).
 */
export const MAX_CREATED_PER_LINE = 16;
/** Largest attached-data document accepted (§7.6: "15 - 20 kB with CAD"). */
export const MAX_ATTACHED_BYTES = 64 * 1024;

/** The line a request names (`containerId` / `lineNumber`), its subscriptions' timeout restarted. */
export function lineParam(oii: Oii, req: BeanRequest, name: string): string {
  const line = oii.lineOf(reqText(req.element, name));
  oii.subs.touch(line);
  return line;
}

/**
 * The items of the call an itemId names, any line (IciItem names no line). None: the core says whether the call is
 * gone or unknown; a call that exists but was never an item is unknownItem.
 */
export function itemsOf(oii: Oii, handle: string): { callId: string; items: LineItem[] } {
  const callId = callIdOf(handle);
  const items = oii.items.ofCall(callId);
  if (items.length === 0) {
    oii.center.telephony.liveCall(callId);
    throw new CoreError('unknownItem', handle);
  }
  for (const item of items) oii.subs.touch(item.line);
  return { callId, items };
}

/** A created item (IciItem.create, not yet dialled) of the line; `invalidState` when the call exists already. */
export function createdItem(oii: Oii, line: string, handle: string): LineItem {
  const callId = callIdOf(handle);
  const item = oii.items.get(line, callId);
  if (item?.state === 'created') return item;
  if (item !== undefined || oii.center.telephony.findCall(callId) !== undefined) throw new CoreError('invalidState', `item ${handle} is not in the Created status`);
  oii.center.telephony.liveCall(callId);
  throw new CoreError('unknownItem', handle);
}

/** The raw text of `attachedData`: an XML document or empty; a document that is not well-formed is refused. */
function attachedParam(req: BeanRequest): string {
  const el = child(req.element, 'attachedData');
  if (el === undefined || isNil(el)) return '';
  const text = el.text.trim();
  if (Buffer.byteLength(text) > MAX_ATTACHED_BYTES) throw badRequest(`attachedData is larger than ${MAX_ATTACHED_BYTES} bytes`);
  if (text === '') return '';
  try {
    parseXmlText(text, { maxBytes: MAX_ATTACHED_BYTES });
  } catch (err) {
    if (err instanceof XmlInputError) throw badRequest(`attachedData is not an XML document (${err.message})`);
    throw err;
  }
  return text;
}

function channelTypeOne(req: BeanRequest, name: string, allowed: readonly number[], what: string): number {
  const type = reqChoice(req.element, name, allowed);
  if (type >= 2 && type <= 4) throw new IciError(ICI_ERRORS.notAvailable, `${name} ${type}: ${what}`);
  return type;
}

/**
 * The line's item of the call, its status listing `op`'s capability (table 10.12.3); an item the line does not have
 * is an unknown item there (3/1) unless the core knows better (the call over, unknown).
 */
function capableItem(oii: Oii, line: string, callId: string, op: CapableOperation): void {
  requireOnLine(oii, line, callId);
  const item = oii.items.get(line, callId);
  if (item !== undefined) requireCapability(item, op);
}

/**
 * README "ICI / OII": a user has one phone call at a time unless OII.PhoneMultiSession: no new call (IciItem.create,
 * IciPhoneCall.dial) while one of the line's calls is in process (wrap-up), as queue calls are not offered then.
 * @throws CoreError invalidState (5/6)
 */
export function requireNoCallInProcess(oii: Oii, line: string): void {
  if (oii.cfg.phoneMultiSession) return;
  if (oii.items.ofLine(line).some((i) => i.processing === 'wrapUp')) {
    throw new CoreError('invalidState', 'a second call while one is in process (wrap up): end its wrap-up first (ici.phoneMultiSession is off)');
  }
}

/**
 * A callHandle names a call of the line (README "ICI error codes" 5/3: no call with that callHandle on the line): a
 * call that goes on elsewhere, without the line, is an Unknown call here, not "no call in the state the operation
 * needs". A call that is nowhere, or over, is left to the core (5/3, 5/4).
 * @throws CoreError unknownCall
 */
export function requireOnLine(oii: Oii, line: string, callId: string): void {
  if (oii.items.get(line, callId) !== undefined) return;
  const call = oii.center.telephony.findCall(callId);
  if (call === undefined || call.state === 'ended' || oii.center.telephony.partyOf(call, line) !== undefined) return;
  throw new CoreError('unknownCall', `call ${handleOf(callId)} is not on line ${line}`);
}

/**
 * IciItem names items, not calls (§9.4): the core's call failures are the item's (README "ICI error codes"): a call
 * never known is an unknown item (3/1, not 5/3), a call that is over an ended item (3/3, not 5/4).
 */
const ITEM_CODES: Readonly<Partial<Record<CoreErrorCode, CoreErrorCode>>> = { unknownCall: 'unknownItem', callGone: 'itemTerminated' };

function asItemError(err: unknown): unknown {
  if (!isCoreError(err)) return err;
  const code = ITEM_CODES[err.code];
  if (code === undefined) return err;
  const generic = `${CORE_ERRORS[err.code].message}: `;
  return new CoreError(code, err.message.startsWith(generic) ? err.message.slice(generic.length) : undefined);
}

function itemHandler(handler: BeanHandler): BeanHandler {
  return (oii, req) => {
    try {
      const out = handler(oii, req);
      return typeof out === 'string' ? out : out.catch((err: unknown) => Promise.reject(asItemError(err)));
    } catch (err) {
      throw asItemError(err);
    }
  };
}

const HANDLERS: Record<string, BeanHandler> = {
  'IciItem.create': (oii, req) => {
    channelTypeOne(req, 'channelType', [1, 2, 3, 4], 'only phone calls (1) are created in this version');
    const line = lineParam(oii, req, 'containerId');
    requireNoCallInProcess(oii, line);
    if (oii.items.ofLine(line).filter((i) => i.state === 'created').length >= MAX_CREATED_PER_LINE) {
      throw new IciError(ICI_ERRORS.createdItemsLimit, `at most ${MAX_CREATED_PER_LINE} created items per line`);
    }
    const item = oii.items.add({ callId: oii.center.ids.guid(), line, state: 'created', visible: true, createdByIci: true, processing: 'notInProcess', outbound: true });
    oii.expireCreated(item);
    const ps = PROCESSING_STATUS.notInProcess;
    return answer(
      req,
      textElement('status', ITEM_CREATED.id, ITEM_CREATED.description) +
        leaf('itemId', item.handle) +
        textElement('processingStatus', ps.id, ps.description) +
        array('capabilityList', CALL_STATUS.created.capabilities.map(String)),
    );
  },

  // §9.4.2: the item goes to wrap up when its processing ends; meaningful in requested mode (wrapUpMode 2).
  'IciItem.wrapUpRequired': (oii, req) => {
    const { items } = itemsOf(oii, reqText(req.element, 'itemId'));
    // Capability 4 (table 10.12.3): a call being talked on or held. Ringing or created (3/2) has no processing yet to
    // follow; an ended one, wrap-up included (Ended lists only 5), is over (3/3).
    for (const item of capableItems(items, 'IciItem.wrapUpRequired')) item.wrapUpRequested = true;
    return answer(req, null);
  },

  // §9.4.3: wrap-up finished, the item becomes not in process (Ended).
  'IciItem.wrapUpEnded': (oii, req) => {
    const { items } = itemsOf(oii, reqText(req.element, 'itemId'));
    const wrapping = capableItems(items, 'IciItem.wrapUpEnded').filter((i) => i.processing === 'wrapUp');
    if (wrapping.length === 0) throw new IciError(ICI_ERRORS.itemState, 'the item is not in wrap up');
    for (const item of wrapping) oii.retire(item);
    return answer(req, null);
  },

  'IciItem.accept': (oii, req) => {
    const callId = callIdOf(reqText(req.element, 'itemId'));
    const line = lineParam(oii, req, 'containerId');
    // Not offered to this container: an unknown item there (3/1), not a call in the wrong state.
    capableItem(oii, line, callId, 'IciItem.accept');
    oii.center.telephony.answer(line, callId);
    return answer(req, null);
  },

  // §9.4.5: declined, "rerouted … without routing it to the current user again" (the core excludes the agent).
  'IciItem.reroute': (oii, req) => {
    const callId = callIdOf(reqText(req.element, 'itemId'));
    const line = lineParam(oii, req, 'containerId');
    capableItem(oii, line, callId, 'IciItem.reroute');
    oii.center.telephony.drop(line, callId);
    return answer(req, null);
  },

  // §9.4.6: to another line (1) or a queue (12); a ringing call is deflected, a connected one blind-transferred.
  'IciItem.forward': (oii, req) => {
    const callId = callIdOf(reqText(req.element, 'itemId'));
    const line = lineParam(oii, req, 'containerId');
    const type = channelTypeOne(req, 'destType', [1, 2, 3, 4, 12], 'only phone lines (1) and queues (12) are destinations in this version');
    const destination = reqText(req.element, 'destination');
    let target: string;
    if (type === 12) {
      const q = oii.center.queue(destination.replace(/^\+/, ''));
      if (q.channel !== 'phone') throw badRequest(`${destination} is not a phone queue`);
      target = q.address;
    } else {
      // A destination of type 1 is a phone line: one that is none is an unknown line (5/8), never dialled out.
      target = oii.lineOf(destination);
    }
    capableItem(oii, line, callId, 'IciItem.forward');
    oii.center.telephony.divert(line, target, callId);
    return answer(req, null);
  },

  // §9.4.7: "If there is no data, an empty string (not a SOAP fault message) is sent back."
  'IciItem.getAttachedData': (oii, req) => {
    const { callId, items } = itemsOf(oii, reqText(req.element, 'itemId'));
    capableItems(items, 'IciItem.getAttachedData');
    const live = oii.center.telephony.findCall(callId);
    const data = oii.attachedOfCall(callId, live === undefined ? items[0]?.call : viewCall(live));
    return answer(req, esc(data));
  },

  'IciItem.setAttachedData': (oii, req) => {
    const { callId, items } = itemsOf(oii, reqText(req.element, 'itemId'));
    const xml = attachedParam(req);
    capableItems(items, 'IciItem.setAttachedData');
    if (items.every((i) => i.state === 'created')) oii.heldCad.set(callId, xml);
    else oii.setAttached(callId, xml);
    return answer(req, null);
  },

  'IciItem.deleteAttachedData': (oii, req) => {
    const { callId, items } = itemsOf(oii, reqText(req.element, 'itemId'));
    capableItems(items, 'IciItem.deleteAttachedData');
    if (items.every((i) => i.state === 'created')) oii.heldCad.delete(callId);
    else oii.setAttached(callId, '');
    return answer(req, null);
  },
};

export const ITEM_HANDLERS: Record<string, BeanHandler> = Object.fromEntries(Object.entries(HANDLERS).map(([id, h]) => [id, itemHandler(h)]));

/** consult's nextStep (§9.7.3: 1 unknown, 2 transfer, 3 conference, 4 reconnect); absent is 1. */
export function nextStep(req: BeanRequest): number {
  const text = optText(req.element, 'nextStep');
  return text === undefined || text === '' ? 1 : reqChoice(req.element, 'nextStep', [1, 2, 3, 4]);
}
