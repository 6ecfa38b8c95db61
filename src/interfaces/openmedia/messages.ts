/**
 * Response messages exactly as a WCF BasicHttpBinding service writes them (document/literal wrapped): the
 * `<Op>Response` wrapper and its `<Op>Result` in `http://tempuri.org/`, the result's members in the data contracts'
 * namespace under prefix `a`, in alphabetical order (DataContractSerializer), `i:nil="true"` for null, enums by name.
 * Written as strings (no DOM): AddRequest is the hot path of a ticketing system's bulk load. Every text is escaped.
 */
import { escapeText } from '../../xml/index.js';
import { formatDateTime } from './dates.js';
import { DATA_NS, TEMPURI, XSI_NS, ARRAYS_NS, type OmStatus, type Operation, type RequestStatus } from './protocol.js';
import type { StatusEvent } from './status.js';

const ENVELOPE_HEAD = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>';
const ENVELOPE_TAIL = '</s:Body></s:Envelope>';
const RESULT_NS = `xmlns:a="${DATA_NS}" xmlns:i="${XSI_NS}"`;

function wrap(op: Operation, result: string): string {
  return `${ENVELOPE_HEAD}<${op}Response xmlns="${TEMPURI}">${result}</${op}Response>${ENVELOPE_TAIL}`;
}

/** A simple result (`xs:boolean`). */
export function booleanResponse(op: Operation, value: boolean): string {
  return wrap(op, `<${op}Result>${value ? 'true' : 'false'}</${op}Result>`);
}

/** A data contract result whose members are already written (`a:` elements), or null. */
function objectResponse(op: Operation, members: string | null): string {
  if (members === null) return wrap(op, `<${op}Result ${RESULT_NS} i:nil="true"/>`);
  return wrap(op, `<${op}Result ${RESULT_NS}>${members}</${op}Result>`);
}

const el = (name: string, value: string | number | boolean): string => `<a:${name}>${typeof value === 'string' ? escapeText(value) : String(value)}</a:${name}>`;

export interface AddResult {
  EWT: number;
  OpenMediaID: number;
  QueuePosition: number;
  RequestStatus: RequestStatus;
}

export function addResponse(r: AddResult): string {
  return objectResponse('AddRequest', el('EWT', r.EWT) + el('OpenMediaID', r.OpenMediaID) + el('QueuePosition', r.QueuePosition) + el('RequestStatus', r.RequestStatus));
}

export function divertResponse(r: { OpenMediaID: number; RequestStatus: RequestStatus }): string {
  return objectResponse('DivertRequest', el('OpenMediaID', r.OpenMediaID) + el('RequestStatus', r.RequestStatus));
}

/** One OpenMediaRequest status update (members alphabetical: AgentID, ID, LogonID, QueuePosition, ServiceGroupID, Status, TenantID, TimeStamp). */
export function openMediaRequest(e: StatusEvent, queuePosition = e.queuePosition, status: OmStatus = e.status): string {
  return (
    '<a:OpenMediaRequest>' +
    el('AgentID', e.agentId) +
    el('ID', e.id) +
    el('LogonID', e.logonId) +
    el('QueuePosition', queuePosition) +
    el('ServiceGroupID', e.serviceGroupId) +
    el('Status', status) +
    el('TenantID', e.tenantId) +
    el('TimeStamp', formatDateTime(e.stamp)) +
    '</a:OpenMediaRequest>'
  );
}

/** GetOpenMediaResponse: `OpenMediaRequests` (written items) and the answer's `TimeStamp`. */
export function getOpenMediaResponse(op: Operation, requests: string[], stamp: number): string {
  return objectResponse(op, `<a:OpenMediaRequests>${requests.join('')}</a:OpenMediaRequests>${el('TimeStamp', formatDateTime(stamp))}`);
}

export function serviceGroupStatus(open: boolean, id: number): string {
  return el('Open', open) + el('ServiceGroupID', id);
}

export function groupStatusResponse(open: boolean, id: number): string {
  return objectResponse('GetServiceGroupStatus', serviceGroupStatus(open, id));
}

export function allGroupsResponse(groups: { open: boolean; id: number }[]): string {
  const items = groups.map((g) => `<a:ServiceGroupStatus>${serviceGroupStatus(g.open, g.id)}</a:ServiceGroupStatus>`).join('');
  return objectResponse('GetAllOpenMediaServiceGroupStatus', `<a:Status>${items}</a:Status>`);
}

/** GetOMAgentsByGroupResponse: AgentList (Arrays `int` items) and ServiceGroupID. */
export function agentsResponse(id: number, agentIds: number[]): string {
  const list = agentIds.map((n) => `<b:int>${n}</b:int>`).join('');
  return objectResponse('GetOMAgentsByGroup', `<a:AgentList xmlns:b="${ARRAYS_NS}">${list}</a:AgentList>${el('ServiceGroupID', id)}`);
}
