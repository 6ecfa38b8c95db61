/**
 * ici.PhoneCall (seed 002 §10.12) of one item: the call as its line sees it, every number canonical. The same
 * element is written for phoneCallChanged (§9.3.4), getCalls (§9.6.1.3) and IciPhoneCall.getAttributes (§9.7.1.3), in
 * the schema's order and spelling (§10.12.4 `dialedNumber`; the examples' `dialledNumber` and `dialNumber` are typos,
 * INVENTORY 3.13.7: one spelling is written, as the WSDLs declare it).
 */
import type { CallView, PartyView } from '../../core/index.js';
import { CALL_STATUS, lineStatus, partyOfLine, PROCESSING_STATUS, type CallStatus, type ProcessingStatus } from './call-status.js';
import type { LineItem } from './items.js';
import { canonical, type NumberPlan } from './numbers.js';
import { array, esc, leaf, textElement } from './xml-out.js';

export interface PhoneCallView {
  status: CallStatus;
  remoteNumbers: string[];
  dialledNumber: string;
  inbound: boolean;
  internal: boolean;
  attachedData: string;
  trunkId: string;
}

/** The other parties still in the call (supervisors listen silently and are not parties to CRM). */
export function remoteParties(call: CallView, line: string): PartyView[] {
  return call.parties.filter((p) => p.number !== line && p.state !== 'ended' && p.role !== 'supervisor');
}

/** The item's call status (table 10.12.3) as its line sees it now: Created before it is dialled, Busy while shown busy. */
export function itemStatus(item: LineItem): CallStatus {
  const call = item.call;
  if (call === undefined) return 'created';
  const status = lineStatus(item.state === 'ended' ? { ...call, state: 'ended' } : call, partyOfLine(call, item.line), item.conferenceOwner);
  return status === 'ended' && item.failedBusy ? 'busy' : status;
}

/** Everything a PhoneCall says about an item, from its last snapshot; `attached` is the call's ICI attached data. */
export function phoneCallView(item: LineItem, plan: NumberPlan, attached: string): PhoneCallView {
  const call = item.call;
  if (call === undefined) {
    return { status: 'created', remoteNumbers: [], dialledNumber: '', inbound: false, internal: false, attachedData: attached, trunkId: '' };
  }
  const status = itemStatus(item);
  // A line that left a call going on without it (transferred, forwarded) names who its call was with, not who joined
  // after it left (§10.12.1 remoteNumbers: more than one only in a conference).
  const live = item.state === 'ended' ? [] : remoteParties(call, item.line);
  const remote = live.length > 0 ? live.map((p) => p.number) : item.remote.length > 0 ? item.remote : item.outbound ? [call.dialled] : [];
  const outsiders = live.length > 0 ? live : call.parties.filter((p) => p.number !== item.line && p.role !== 'supervisor');
  // §10.12.1 internal: the parties the line talks with are the contact center's own. While nobody else is on the call
  // (still dialling, or ended), what the line last talked with says it, else the call's own direction: an
  // agent-to-agent consultation stays internal from Dialing to Ended.
  const internal = live.length > 0 ? live.every((p) => p.internal) : (item.remoteInternal ?? call.direction === 'internal');
  return {
    status,
    remoteNumbers: remote.map((n) => canonical(n, plan)),
    // The number the caller dialled (the queue's for a queue call), kept when the call is forwarded, diverted or
    // transferred (the core's firstCalled is the first device that redirected it, not what was dialled).
    dialledNumber: canonical(call.dialled, plan),
    inbound: !item.outbound,
    internal,
    attachedData: attached,
    // §10.12.1 "Identifies the trunk ID the call is routed through": the gateway of an outside party.
    trunkId: internal || outsiders.length === 0 ? '' : call.gateway.ip,
  };
}

/**
 * What a PhoneCall writes for each call status and processing status: constants of tables 10.12.3 and 10.12.1,
 * written once here instead of escaped again for every event (a phone call event is written on every change).
 */
const STATUS_XML = Object.fromEntries(
  Object.entries(CALL_STATUS).map(([k, st]) => [k, textElement('callStatus', st.id, st.description) + array('capabilityList', st.capabilities.map(String))]),
) as Readonly<Record<CallStatus, string>>;
const PROCESSING_XML = Object.fromEntries(
  Object.entries(PROCESSING_STATUS).map(([k, ps]) => [k, textElement('processingStatus', ps.id, ps.description)]),
) as Readonly<Record<ProcessingStatus, string>>;

/** The attached data escaped, kept with the item: a call's CAD (a few hundred characters) rarely changes between events. */
function attachedXml(item: LineItem, raw: string): string {
  const last = item.written?.cad;
  if (last !== undefined && last.raw === raw) return last.xml;
  const xml = esc(raw);
  (item.written ??= {}).cad = { raw, xml };
  return xml;
}

/** The PhoneCall's children, in §10.12.4's order (`message` is nil/absent in every example and left out). */
export function phoneCallXml(item: LineItem, v: PhoneCallView, plan: NumberPlan): string {
  return (
    lineAndHandle(item, plan) +
    PROCESSING_XML[item.processing] +
    array('remoteNumbers', v.remoteNumbers) +
    leaf('dialedNumber', v.dialledNumber) +
    STATUS_XML[v.status] +
    leaf('inbound', v.inbound) +
    leaf('internal', v.internal) +
    `<attachedData>${attachedXml(item, v.attachedData)}</attachedData>` +
    leaf('trunkId', v.trunkId)
  );
}

/** lineNumber and callHandle never change for an item: written once. */
function lineAndHandle(item: LineItem, plan: NumberPlan): string {
  const written = (item.written ??= {});
  return (written.head ??= leaf('lineNumber', canonical(item.line, plan)) + leaf('callHandle', item.handle));
}
