/**
 * TelServices projection tables: the core's protocol-free states and causes ↔ the seed's enumerations. Everything
 * vendor-specific about states lives here, as data, so the mapping can be read (and reviewed against the seed) in one
 * place. docs/ARCHITECTURE.md reproduces these tables.
 */
import type { AgentState, CallCause, ForwardType, RequestableAgentState } from '../../core/index.js';
import type { TsAgentState } from './requests.js';

/** Seed "Call" event: the nine call states. */
export const TS_CALL_STATES = ['initiated', 'originated', 'delivered', 'queued', 'alerting', 'connected', 'cleared', 'failed', 'hold'] as const;
export type TsCallState = (typeof TS_CALL_STATES)[number];

/** Seed "Call" event: the nine causes. */
export const TS_CAUSES = ['busy', 'conference', 'destNotObtainable', 'droppedByOtherParty', 'heldByOtherParty', 'redirect', 'retrievedByOtherParty', 'transfer', 'route'] as const;
export type TsCause = (typeof TS_CAUSES)[number];

/** Seed "permittedServices" items. */
export const TS_SERVICES = [
  'alternateCall',
  'answerCall',
  'conferenceCall',
  'consultationCall',
  'divertCall',
  'dropCall',
  'holdCall',
  'makeCall',
  'reconnectCall',
  'retrieveCall',
  'transferCall',
] as const;
export type TsService = (typeof TS_SERVICES)[number];

/**
 * Why a device's leg cleared (core party cause → seed cause). A device's own action (normal hang-up) and causes the
 * seed has no name for carry no cause element.
 */
export const CLEARED_CAUSE: Record<CallCause, TsCause | undefined> = {
  normal: undefined,
  busy: 'busy',
  conference: 'conference',
  destNotObtainable: 'destNotObtainable',
  droppedByOtherParty: 'droppedByOtherParty',
  heldByOtherParty: 'heldByOtherParty',
  redirect: 'redirect',
  retrievedByOtherParty: 'retrievedByOtherParty',
  transfer: 'transfer',
  route: 'route',
  noAnswer: undefined,
  abandoned: undefined,
  rejected: 'busy',
  failed: 'destNotObtainable',
};

/**
 * History records: the cause an event would carry, `normal` where it carries none (the seed's "QueryHistory" example
 * shows `<normal/>`, which is not in the event cause list).
 */
export type TsHistoryCause = TsCause | 'normal';
export const HISTORY_CAUSE = Object.fromEntries(Object.entries(CLEARED_CAUSE).map(([core, ts]) => [core, ts ?? 'normal'])) as Record<CallCause, TsHistoryCause>;

/**
 * permittedServices from the device's state: the primary call's state and the secondary's (or '-' for none).
 * The orders are the seed's, taken from call event examples 1–3 and snapshot example 1; the other rows follow the
 * same pattern. A cleared or failed call leaves the device's state as if it were gone. "makeCall for a new call is
 * considered a de facto permitted service" and is never listed.
 */
const SERVICES_BY_STATE: Record<string, readonly TsService[]> = {
  // one call (examples 1, 2 and snapshot example 1)
  'initiated|-': ['dropCall'],
  'originated|-': ['dropCall'],
  'delivered|-': ['dropCall'],
  'queued|-': ['dropCall'],
  'alerting|-': ['answerCall', 'divertCall'],
  'connected|-': ['holdCall', 'dropCall', 'divertCall', 'consultationCall'],
  'hold|-': ['retrieveCall', 'dropCall'],
  '-|-': [],
  // a held call and a consultation (example 3)
  'hold|initiated': ['dropCall', 'reconnectCall'],
  'hold|originated': ['dropCall', 'reconnectCall'],
  'hold|queued': ['dropCall', 'reconnectCall'],
  'hold|delivered': ['dropCall', 'reconnectCall', 'transferCall'],
  'hold|connected': ['dropCall', 'holdCall', 'reconnectCall', 'alternateCall', 'transferCall', 'conferenceCall'],
  'connected|hold': ['dropCall', 'holdCall', 'reconnectCall', 'alternateCall', 'transferCall', 'conferenceCall'],
  'hold|hold': ['retrieveCall', 'dropCall'],
  // a second call arrives while the device has one
  'hold|alerting': ['answerCall', 'divertCall', 'retrieveCall', 'dropCall'],
  'alerting|hold': ['answerCall', 'divertCall', 'retrieveCall', 'dropCall'],
  'connected|alerting': ['holdCall', 'dropCall', 'consultationCall', 'divertCall'],
  'alerting|connected': ['holdCall', 'dropCall', 'consultationCall', 'divertCall'],
};

const GONE: ReadonlySet<TsCallState> = new Set(['cleared', 'failed']);

export function permittedServices(prim: TsCallState | undefined, sec: TsCallState | undefined): readonly TsService[] {
  let a = prim !== undefined && !GONE.has(prim) ? prim : undefined;
  let b = sec !== undefined && !GONE.has(sec) ? sec : undefined;
  if (a === undefined) [a, b] = [b, undefined];
  const key = `${a ?? '-'}|${b ?? '-'}`;
  return SERVICES_BY_STATE[key] ?? SERVICES_BY_STATE[`${a ?? '-'}|-`] ?? ['dropCall'];
}

// ------------------------------------------------------------------ agents

/**
 * Core agent state → seed agent state. The core has no "loggedOn" (logged on, neither ready nor not ready): ccgate
 * keeps it as notReady with the reason 'loggedOn', so every other interface sees a not-ready agent.
 */
export const LOGGED_ON_REASON = 'loggedOn';
export const AGENT_STATE_TO_WIRE: Record<AgentState, TsAgentState> = {
  loggedOff: 'loggedOff',
  ready: 'ready',
  notReady: 'notReady',
  busy: 'busy',
  workingAfterCall: 'workingAfterCall',
};

/**
 * The agent's seed state; `workItems` is how many work items (an Open Media request, an e-mail …) the agent holds:
 * a ready agent holding one is `busy` (working, as on a call), so a TelServices client sees the item as the agent's
 * state (issue 10 point 8). TelServices has no element of its own for work items.
 */
export function wireAgentState(state: AgentState, reason: string | undefined, workItems = 0): TsAgentState {
  if (state === 'ready' && workItems > 0) return 'busy';
  return state === 'notReady' && reason === LOGGED_ON_REASON ? 'loggedOn' : AGENT_STATE_TO_WIRE[state];
}

/** Seed agentState request → core; null cannot be requested and busy is set by the server only. */
export const AGENT_STATE_FROM_WIRE: Record<TsAgentState, { state: RequestableAgentState; reason?: string } | undefined> = {
  null: undefined,
  loggedOff: { state: 'loggedOff' },
  loggedOn: { state: 'notReady', reason: LOGGED_ON_REASON },
  busy: undefined,
  notReady: { state: 'notReady' },
  ready: { state: 'ready' },
  workingAfterCall: { state: 'workingAfterCall' },
};

/**
 * States an agent may move to (seed "permittedStates"). The seed's example for workingAfterCall lists the current
 * state too; every row does the same. A busy agent's request applies when the call ends, and the core refuses a
 * log-off during a call.
 */
export const PERMITTED_AGENT_STATES: Record<TsAgentState, readonly TsAgentState[]> = {
  null: [],
  loggedOff: ['loggedOff', 'loggedOn', 'ready', 'notReady'],
  loggedOn: ['loggedOff', 'loggedOn', 'ready', 'notReady'],
  ready: ['loggedOff', 'ready', 'notReady', 'workingAfterCall'],
  notReady: ['loggedOff', 'ready', 'notReady', 'workingAfterCall'],
  busy: ['ready', 'notReady', 'workingAfterCall'],
  workingAfterCall: ['ready', 'notReady', 'workingAfterCall'],
};

// ------------------------------------------------------------------ features and routing points

/** The core uses the seed's nine forward type names; the table keeps the mapping explicit all the same. */
export const FORWARD_TYPE_TO_WIRE: Record<ForwardType, string> = {
  immediate: 'immediate',
  busy: 'busy',
  noAnswer: 'noAnswer',
  immInt: 'immInt',
  immExt: 'immExt',
  busyInt: 'busyInt',
  busyExt: 'busyExt',
  noAnswerInt: 'noAnswerInt',
  noAnswerExt: 'noAnswerExt',
};

/** Seed "QueryRoutingPointState". */
export const RP_STATES = ['started', 'started-completed', 'started-failed', 'started-running', 'started-suspended', 'stopped'] as const;
export type RpState = (typeof RP_STATES)[number];

export const SESSION_EVENTS = [
  'sessionClosedByAdmin',
  'sessionClosedByTimeout',
  'sessionClosedByMonitoringReject',
  'sessionClosedByClient',
  'pbxlinkOutOfService',
  'pbxlinkInService',
] as const;
export type SessionEventKind = (typeof SESSION_EVENTS)[number];
