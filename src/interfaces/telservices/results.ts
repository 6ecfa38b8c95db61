/**
 * Element builders for the structures results and events share (seed "Events" and the specific results): the call
 * element, parties, agent information, forwards. Element order follows the seed's examples; where the seed has two
 * orders for one structure (Party: the field list says number, name, company, numberType; every XML example says
 * number, name, numberType, company) the XML examples win.
 */
import type { DirectoryEntry, Forward } from '../../core/index.js';
import { boolEl, el, enumEl, optTxt, txt, type XNode } from './codec.js';
import type { CallInfo, CallReport } from './device-view.js';
import { FORWARD_TYPE_TO_WIRE, PERMITTED_AGENT_STATES } from './projection.js';
import type { TsAgentState } from './requests.js';

export type PartyDetails = Pick<DirectoryEntry, 'name' | 'company' | 'numberType'>;
/** Directory details of a number as seen from a device (undefined when unknown or not shown). */
export type PartyLookup = (number: string) => PartyDetails | undefined;

export function partyNode(name: string, number: string, lookup: PartyLookup | undefined): XNode {
  const d = number !== '' ? lookup?.(number) : undefined;
  return el(name, txt('number', number), optTxt('name', d?.name), d?.numberType && enumEl('numberType', d.numberType), optTxt('company', d?.company));
}

export function directoryPartyNode(e: Pick<DirectoryEntry, 'number' | 'name' | 'company' | 'numberType'>): XNode {
  return el('party', txt('number', e.number), optTxt('name', e.name), e.numberType && enumEl('numberType', e.numberType), optTxt('company', e.company));
}

export interface CallNodeOptions {
  lookup?: PartyLookup;
  /** telservices.eventCallReference: the seed's examples omit callReference. */
  callReference: boolean;
}

function callInfoNode(name: 'primCall' | 'secCall', i: CallInfo, o: CallNodeOptions): XNode {
  return el(
    name,
    enumEl('state', i.state),
    partyNode('otherParty', i.other, o.lookup),
    i.added.length > 0 && el('addedParties', ...i.added.map((n) => partyNode('party', n, o.lookup))),
    i.firstOther !== undefined && partyNode('firstOtherParty', i.firstOther, o.lookup),
    i.firstCalled !== undefined && partyNode('firstCalledParty', i.firstCalled, o.lookup),
    i.lastRedirection !== undefined && partyNode('lastRedirectionParty', i.lastRedirection, o.lookup),
    txt('duration', i.durationSec),
    boolEl('isOutgoing', i.isOutgoing),
    // The seed says "absent when false" but every example writes <false/> (INVENTORY 4.9 #6): the examples win.
    boolEl('isConference', i.isConference),
    o.callReference && txt('callReference', i.reference),
    i.cause !== undefined && enumEl('cause', i.cause),
  );
}

/** Seed "Call" event / snapshot `call` element. */
export function callNode(r: CallReport, o: CallNodeOptions): XNode {
  return el(
    'call',
    txt('id', r.id),
    r.prim && callInfoNode('primCall', r.prim, o),
    r.sec && callInfoNode('secCall', r.sec, o),
    el('permittedServices', ...r.permitted.map((s) => ({ name: s }))),
    optTxt('extraData', r.extraData),
  );
}

export interface AgentInfo {
  userId?: string;
  state: TsAgentState;
  timeoutSec?: number;
  inbound: string[];
  outbound: string[];
}

/** `<inboundServices>` / `<outboundServices>`: absent when the list is empty. */
export function servicesNode(name: 'inboundServices' | 'outboundServices', services: readonly string[]): XNode | false {
  return services.length > 0 && el(name, ...services.map((s) => txt('service', s)));
}

/** Seed "Agent" event / queryAgentState result / snapshot `agent`. */
export function agentNode(a: AgentInfo): XNode {
  const permitted = PERMITTED_AGENT_STATES[a.state];
  return el(
    'agent',
    optTxt('userID', a.userId),
    enumEl('state', a.state),
    optTxt('timeout', a.timeoutSec),
    servicesNode('inboundServices', a.inbound),
    servicesNode('outboundServices', a.outbound),
    permitted.length > 0 && el('permittedStates', ...permitted.map((s) => ({ name: s }))),
  );
}

/** Seed "Forward" event and queryForward records. */
export function forwardNode(f: Forward): XNode {
  return el('forward', txt('number', f.number), enumEl('type', FORWARD_TYPE_TO_WIRE[f.type]), enumEl('state', f.on ? 'on' : 'off'));
}

export function forwardsNode(forwards: readonly Forward[]): XNode {
  return el('forwards', ...forwards.filter((f) => f.on).map(forwardNode));
}

export function onOffNode(name: string, on: boolean): XNode {
  return enumEl(name, on ? 'on' : 'off');
}
