/**
 * Seed 002 table 10.12.2: the capability each IciItem / IciPhoneCall operation needs, and the rule that an operation is
 * served only while its call's status (table 10.12.3) lists that capability: the capabilityList CRM is sent is the
 * list of what it may do, so an operation outside it is refused and changes nothing (a dropParty on a two-party
 * Connected call would otherwise hang the customer up: §9.7.11 drops "another extension from a conference call", 106
 * exists only in ConfereceOwner).
 */
import { CoreError } from '../../core/index.js';
import { CALL_STATUS } from './call-status.js';
import { IciError, ICI_ERRORS } from './faults.js';
import type { LineItem } from './items.js';
import { itemStatus } from './phonecall.js';

/** Table 10.12.2, by operation (`Bean.operation`). Operations not listed (getAttributes, getCalls…) need none. */
export const CAPABILITY = {
  'IciItem.accept': 1,
  'IciItem.reroute': 2,
  'IciItem.forward': 3,
  'IciItem.wrapUpRequired': 4,
  'IciItem.wrapUpEnded': 5,
  'IciItem.getAttachedData': 6,
  'IciItem.setAttachedData': 7,
  'IciItem.deleteAttachedData': 8,
  'IciPhoneCall.dial': 101,
  'IciPhoneCall.drop': 102,
  'IciPhoneCall.consult': 103,
  'IciPhoneCall.transfer': 104,
  'IciPhoneCall.conference': 105,
  'IciPhoneCall.dropParty': 106,
  'IciPhoneCall.hold': 107,
  'IciPhoneCall.unhold': 108,
  'IciPhoneCall.alternate': 109,
  'IciPhoneCall.reconnect': 110,
} as const;
export type CapableOperation = keyof typeof CAPABILITY;

/** Whether the item's current call status lists the operation's capability. */
export function allows(item: LineItem, op: CapableOperation): boolean {
  return (CALL_STATUS[itemStatus(item)].capabilities as readonly number[]).includes(CAPABILITY[op]);
}

/**
 * Refuses `op` unless the item's call status lists its capability (README "ICI error codes"): an item whose call is
 * over (status Ended, wrap-up included) is `callGone` (IciPhoneCall 5/4; IciItem turns it into 3/3), another status
 * is 3/2 for an IciItem operation and `invalidState` (5/6) for an IciPhoneCall one.
 * @throws IciError itemState, CoreError callGone | invalidState
 */
export function requireCapability(item: LineItem, op: CapableOperation): void {
  if (allows(item, op)) return;
  const status = CALL_STATUS[itemStatus(item)];
  const why = `${op.slice(op.indexOf('.') + 1)} (capability ${CAPABILITY[op]}) is not in the capabilities of call status ${status.id} ${status.description}`;
  if (status === CALL_STATUS.ended) throw new CoreError('callGone', why);
  if (op.startsWith('IciItem.')) throw new IciError(ICI_ERRORS.itemState, why);
  throw new CoreError('invalidState', why);
}

/** The items of one call (IciItem names no line) that allow `op`; none: refused as the first one refuses it. */
export function capableItems(items: readonly LineItem[], op: CapableOperation): LineItem[] {
  const ok = items.filter((i) => allows(i, op));
  if (ok.length === 0 && items[0] !== undefined) requireCapability(items[0], op);
  return ok;
}
