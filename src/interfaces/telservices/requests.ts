/**
 * TelServiceRequest → typed request. One reader per service of seed "Session", "User services" and "Supervisor
 * services"; element names are the seed's. Tolerant reader (DESIGN "Principles"): enumerations and booleans are read
 * from an empty child element (`<state><on/></state>`, the seed's encoding) or from text (`<answerCall>true</answerCall>`,
 * how the seed documents qualifyCall's parameters), and the forward record is read from `<info>` (the example) or
 * `<forward>` (the parameter list). Anything missing or out of range is a RequestError, answered `reject`.
 */
import { child, children, textOf, type XmlElement } from '../../xml/index.js';
import { FORWARD_TYPES, type ForwardType } from '../../core/index.js';
import { hasNonXmlChar } from '../../xml/index.js';

export class RequestError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RequestError';
  }
}

export const TS_AGENT_STATES = ['null', 'loggedOff', 'loggedOn', 'busy', 'notReady', 'ready', 'workingAfterCall'] as const;
export type TsAgentState = (typeof TS_AGENT_STATES)[number];
export const DISTRIBUTIONS = ['cyclic', 'sequential', 'most-idle'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];
export const NUMBER_TYPES = ['work', 'home', 'mobile', 'ip'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

/** Seed "startRoutingPoint" config; every field optional here (defaults come from the template). */
export interface RoutingPointConfigInput {
  serviceTimeout?: number;
  workingHours?: string;
  nonWorkingDaysOfWeek?: string;
  nonWorkingDays?: string;
  noAnswerTimeout?: number;
  failedCallRetryTimeout?: number;
  failedCallRetryLimit?: number;
  agentWorkingAfterCallTimeout?: number;
  agentsDistribution?: Distribution;
  queueLimit?: number;
  agentLoggedOnOnOpenSession?: boolean;
  agentReadyOnLoggedOn?: boolean;
  statisticsIncomingCallImmediateAbandonTimeout?: number;
  /** ccgate extension: the campaign's call list (seed: "the table containing the calls"). */
  calls?: string[];
  /** ccgate extension: the campaign's agents, by userID or device number (seed: "the agents" table). */
  agents?: string[];
}

export interface PartyInput {
  number: string;
  name?: string;
  numberType?: NumberType;
  company?: string;
}

type Dev = { deviceNumber: string };
type TwoCalls = Dev & { primOtherNumber?: string; secOtherNumber?: string };

export type TsRequest =
  | (Dev & {
      op: 'openSession';
      eventUDPPort?: number;
      eventUpdate: 'full' | 'restricted';
      userID?: string;
      userPassword?: string;
      sessionTimeout?: number;
      startPbxMonitor: boolean;
    })
  | (Dev & { op: 'closeSession'; actualCloseSessionTimeout: number; clientOnly: boolean; eventUDPPort?: number })
  | (Dev & { op: 'addPartyToCall'; otherNumber?: string; addedDeviceNumber: string; extraData?: string })
  | (Dev & { op: 'agentState'; state: TsAgentState })
  | (TwoCalls & { op: 'alternateCall' | 'conferenceCall' | 'reconnectCall' | 'transferCall' })
  | (Dev & { op: 'answerCall'; callingNumber?: string })
  | (Dev & { op: 'consultationCall'; otherNumber?: string; consultedDeviceNumber: string; extraData?: string })
  | (Dev & { op: 'divertCall'; otherNumber?: string; divertedDeviceNumber: string; extraData?: string })
  | (Dev & { op: 'doNotDisturb'; on: boolean })
  | (Dev & { op: 'dropCall' | 'holdCall' | 'retrieveCall'; otherNumber?: string })
  | (Dev & { op: 'forward'; number: string; type: ForwardType; on: boolean })
  | (Dev & { op: 'makeCall'; calledDeviceNumber: string; extraData?: string })
  | (Dev & { op: 'qualifyCall'; answerCall?: boolean; needName: boolean })
  | (Dev & { op: 'queryAgentState' | 'queryDoNotDisturb' | 'queryForward' | 'queryMsgWaiting' })
  | {
      op: 'queryHistory';
      recordType: 'call' | 'agent' | 'all';
      deviceNumber?: string;
      userID?: string;
      startDate?: string;
      startHour?: number;
      endDate?: string;
      search?: string;
      limit?: number;
    }
  | (Dev & { op: 'queryUserStatistics'; userID?: string; type: 'snapshot' | 'total' })
  | { op: 'searchName'; userID?: string; deviceNumber?: string; name: string; limit?: number }
  | { op: 'searchNumber'; userID?: string; deviceNumber?: string; number: string }
  | (Dev & { op: 'snapshot'; resultOnEvent?: { timeout: number; snapshotSeq?: number } })
  | { op: 'updateUserDirectory'; userID?: string; deviceNumber?: string; directoryName: string; parties: PartyInput[] }
  | { op: 'queryRoutingPointState'; service: string }
  | { op: 'queryRoutingPointStatistics'; service: string; type: 'snapshot' | 'total' }
  | { op: 'resumeRoutingPoint' | 'stopRoutingPoint' | 'suspendRoutingPoint'; service: string }
  | { op: 'startRoutingPoint'; service: string; template?: string; config: RoutingPointConfigInput }
  | { op: 'updateRoutingPoint'; service: string; config: RoutingPointConfigInput }
  | { op: 'updateDirectory'; directoryName: string };

export type TsOperation = TsRequest['op'];

/** Seed: "This service requires an opened session" — exactly these fifteen (INVENTORY 4.7 rule 2). */
export const SESSION_SERVICES: ReadonlySet<TsOperation> = new Set<TsOperation>([
  'addPartyToCall',
  'agentState',
  'alternateCall',
  'answerCall',
  'conferenceCall',
  'consultationCall',
  'divertCall',
  'dropCall',
  'holdCall',
  'qualifyCall',
  'queryAgentState',
  'reconnectCall',
  'retrieveCall',
  'snapshot',
  'transferCall',
]);

// ------------------------------------------------------------------ field readers

const DEVICE = /^\+?[0-9*#]{1,32}$/;
const TEXT_MAX = 256;

function optText(el: XmlElement, name: string, max = TEXT_MAX): string | undefined {
  const v = textOf(el, name);
  if (v === undefined || v === '') return undefined;
  if (v.length > max) throw new RequestError(`${name} is longer than ${max} characters`);
  // The XML reader refuses such characters; the GET /makeCall query does not go through it.
  if (hasNonXmlChar(v)) throw new RequestError(`${name} holds a character XML cannot carry`);
  return v;
}

function reqText(el: XmlElement, name: string, max = TEXT_MAX): string {
  const v = optText(el, name, max);
  if (v === undefined) throw new RequestError(`${name} is required`);
  return v;
}

/** Separators a person might type in a number (spaces, dots, dashes, brackets) are dropped. */
const withoutSeparators = (n: string) => n.replace(/[\s().-]/g, '');

/** A device or party number. */
function optNumber(el: XmlElement, name: string): string | undefined {
  const raw = optText(el, name, 64);
  if (raw === undefined) return undefined;
  const n = withoutSeparators(raw);
  if (!DEVICE.test(n)) throw new RequestError(`${name} is not a phone number`);
  return n;
}

function reqNumber(el: XmlElement, name: string): string {
  const v = optNumber(el, name);
  if (v === undefined) throw new RequestError(`${name} is required`);
  return v;
}

function optInt(el: XmlElement, name: string, min: number, max: number): number | undefined {
  const v = optText(el, name, 20);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new RequestError(`${name} is not a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new RequestError(`${name} is out of range`);
  return n;
}

/** `<x><value/></x>` (seed encoding) or `<x>value</x>`. */
function optEnum<T extends string>(el: XmlElement, name: string, values: readonly T[]): T | undefined {
  const holder = child(el, name);
  if (holder === undefined) return undefined;
  const first = holder.children[0];
  const raw = first !== undefined ? first.name : holder.text.trim();
  if (raw === '') return undefined;
  const hit = values.find((v) => v === raw) ?? values.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (hit === undefined) throw new RequestError(`${name}: unknown value`);
  return hit;
}

function reqEnum<T extends string>(el: XmlElement, name: string, values: readonly T[]): T {
  const v = optEnum(el, name, values);
  if (v === undefined) throw new RequestError(`${name} is required`);
  return v;
}

function optBool(el: XmlElement, name: string): boolean | undefined {
  const v = optEnum(el, name, ['true', 'false'] as const);
  return v === undefined ? undefined : v === 'true';
}

const dev = (el: XmlElement): Dev => ({ deviceNumber: reqNumber(el, 'deviceNumber') });

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function readParty(p: XmlElement): PartyInput {
  return strip({
    number: reqNumber(p, 'number'),
    name: optText(p, 'name'),
    numberType: optEnum(p, 'numberType', NUMBER_TYPES),
    company: optText(p, 'company'),
  });
}

const HOURS = 24 * 3600;

function readConfig(el: XmlElement): RoutingPointConfigInput {
  const c = child(el, 'config');
  if (c === undefined) return {};
  const list = (name: string, item: string[]): string[] | undefined => {
    const holder = child(c, name);
    if (holder === undefined) return undefined;
    const out = holder.children.filter((x) => item.includes(x.name)).map((x) => x.text.trim()).filter((x) => x !== '');
    if (out.length > 10_000) throw new RequestError(`${name} is too long`);
    return out;
  };
  const calls = list('calls', ['number', 'call'])?.map(withoutSeparators);
  if (calls?.some((n) => !DEVICE.test(n))) throw new RequestError('calls: not a phone number');
  return strip({
    serviceTimeout: optInt(c, 'serviceTimeout', 0, 366 * HOURS),
    workingHours: optText(c, 'workingHours'),
    nonWorkingDaysOfWeek: optText(c, 'nonWorkingDaysOfWeek'),
    nonWorkingDays: optText(c, 'nonWorkingDays', 4096),
    noAnswerTimeout: optInt(c, 'noAnswerTimeout', 1, HOURS),
    failedCallRetryTimeout: optInt(c, 'failedCallRetryTimeout', 0, 30 * HOURS),
    failedCallRetryLimit: optInt(c, 'failedCallRetryLimit', 0, 1000),
    agentWorkingAfterCallTimeout: optInt(c, 'agentWorkingAfterCallTimeout', 0, HOURS),
    agentsDistribution: optEnum(c, 'agentsDistribution', DISTRIBUTIONS),
    queueLimit: optInt(c, 'queueLimit', 0, 10_000),
    agentLoggedOnOnOpenSession: optBool(c, 'agentLoggedOnOnOpenSession'),
    agentReadyOnLoggedOn: optBool(c, 'agentReadyOnLoggedOn'),
    statisticsIncomingCallImmediateAbandonTimeout: optInt(c, 'statisticsIncomingCallImmediateAbandonTimeout', 0, HOURS),
    calls,
    agents: list('agents', ['agent', 'userID', 'deviceNumber']),
  });
}

// ------------------------------------------------------------------ per service

type Reader = (el: XmlElement) => TsRequest;
const twoCalls = (op: 'alternateCall' | 'conferenceCall' | 'reconnectCall' | 'transferCall'): Reader => (el) =>
  strip({ op, ...dev(el), primOtherNumber: optNumber(el, 'primOtherNumber'), secOtherNumber: optNumber(el, 'secOtherNumber') });
const oneCall = (op: 'dropCall' | 'holdCall' | 'retrieveCall'): Reader => (el) => strip({ op, ...dev(el), otherNumber: optNumber(el, 'otherNumber') });
const query = (op: 'queryAgentState' | 'queryDoNotDisturb' | 'queryForward' | 'queryMsgWaiting'): Reader => (el) => ({ op, ...dev(el) });
const service = (op: 'resumeRoutingPoint' | 'stopRoutingPoint' | 'suspendRoutingPoint' | 'queryRoutingPointState'): Reader => (el) => ({
  op,
  service: reqText(el, 'service', 128),
});
const onOff = (el: XmlElement): boolean => reqEnum(el, 'state', ['on', 'off'] as const) === 'on';

const READERS: Record<TsOperation, Reader> = {
  openSession: (el) =>
    strip({
      op: 'openSession',
      ...dev(el),
      eventUDPPort: optInt(el, 'eventUDPPort', 1, 65535),
      eventUpdate: optEnum(el, 'eventUpdate', ['full', 'restricted'] as const) ?? 'full',
      userID: optText(el, 'userID', 128),
      userPassword: optText(el, 'userPassword', 128),
      // Seed: "must be positive otherwise ignored".
      sessionTimeout: ((t) => (t !== undefined && t > 0 ? t : undefined))(optInt(el, 'sessionTimeout', -1e9, 1e9)),
      startPbxMonitor: optBool(el, 'startPbxMonitor') ?? true,
    }),
  closeSession: (el) =>
    strip({
      op: 'closeSession',
      ...dev(el),
      actualCloseSessionTimeout: optInt(el, 'actualCloseSessionTimeout', 0, HOURS) ?? 0,
      clientOnly: optBool(el, 'clientOnly') ?? true,
      eventUDPPort: optInt(el, 'eventUDPPort', 1, 65535),
    }),
  addPartyToCall: (el) =>
    strip({ op: 'addPartyToCall', ...dev(el), otherNumber: optNumber(el, 'otherNumber'), addedDeviceNumber: reqNumber(el, 'addedDeviceNumber'), extraData: optText(el, 'extraData', 1024) }),
  agentState: (el) => ({ op: 'agentState', ...dev(el), state: reqEnum(el, 'state', TS_AGENT_STATES) }),
  alternateCall: twoCalls('alternateCall'),
  answerCall: (el) => strip({ op: 'answerCall', ...dev(el), callingNumber: optNumber(el, 'callingNumber') }),
  conferenceCall: twoCalls('conferenceCall'),
  consultationCall: (el) =>
    strip({ op: 'consultationCall', ...dev(el), otherNumber: optNumber(el, 'otherNumber'), consultedDeviceNumber: reqNumber(el, 'consultedDeviceNumber'), extraData: optText(el, 'extraData', 1024) }),
  divertCall: (el) =>
    strip({ op: 'divertCall', ...dev(el), otherNumber: optNumber(el, 'otherNumber'), divertedDeviceNumber: reqNumber(el, 'divertedDeviceNumber'), extraData: optText(el, 'extraData', 1024) }),
  doNotDisturb: (el) => ({ op: 'doNotDisturb', ...dev(el), on: onOff(el) }),
  dropCall: oneCall('dropCall'),
  forward: (el) => {
    // Seed 4.9 #2: the example wraps the record in <info>, the parameter list calls it forward.
    const rec = child(el, 'info', 'forward');
    if (rec === undefined) throw new RequestError('forward: the info record is required');
    return { op: 'forward', ...dev(el), number: reqNumber(rec, 'number'), type: reqEnum(rec, 'type', FORWARD_TYPES), on: onOff(rec) };
  },
  holdCall: oneCall('holdCall'),
  makeCall: (el) => strip({ op: 'makeCall', ...dev(el), calledDeviceNumber: reqNumber(el, 'calledDeviceNumber'), extraData: optText(el, 'extraData', 1024) }),
  qualifyCall: (el) => strip({ op: 'qualifyCall', ...dev(el), answerCall: optBool(el, 'answerCall'), needName: optBool(el, 'needName') ?? true }),
  queryAgentState: query('queryAgentState'),
  queryDoNotDisturb: query('queryDoNotDisturb'),
  queryForward: query('queryForward'),
  queryMsgWaiting: query('queryMsgWaiting'),
  queryHistory: (el) => {
    const date = (name: string) => {
      const v = optText(el, name, 10);
      if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new RequestError(`${name} must be yyyy-MM-dd`);
      return v;
    };
    return strip({
      op: 'queryHistory',
      recordType: optEnum(el, 'recordType', ['call', 'agent', 'all'] as const) ?? 'call',
      deviceNumber: optNumber(el, 'deviceNumber'),
      userID: optText(el, 'userID', 128),
      startDate: date('startDate'),
      startHour: optInt(el, 'startHour', 0, 23),
      endDate: date('endDate'),
      search: optText(el, 'search', 128),
      limit: optInt(el, 'limit', 1, 100_000),
    });
  },
  queryUserStatistics: (el) =>
    strip({ op: 'queryUserStatistics', ...dev(el), userID: optText(el, 'userID', 128), type: reqEnum(el, 'type', ['snapshot', 'total'] as const) }),
  reconnectCall: twoCalls('reconnectCall'),
  retrieveCall: oneCall('retrieveCall'),
  searchName: (el) =>
    strip({ op: 'searchName', userID: optText(el, 'userID', 128), deviceNumber: optNumber(el, 'deviceNumber'), name: reqText(el, 'name', 128), limit: optInt(el, 'limit', 1, 100_000) }),
  searchNumber: (el) => strip({ op: 'searchNumber', userID: optText(el, 'userID', 128), deviceNumber: optNumber(el, 'deviceNumber'), number: reqNumber(el, 'number') }),
  snapshot: (el) => {
    const roe = child(el, 'resultOnEvent');
    const resultOnEvent = roe
      ? strip({ timeout: optInt(roe, 'timeout', 0, HOURS) ?? 0, snapshotSeq: optInt(roe, 'snapshotSeq', 0, Number.MAX_SAFE_INTEGER) })
      : undefined;
    return strip({ op: 'snapshot', ...dev(el), resultOnEvent });
  },
  transferCall: twoCalls('transferCall'),
  updateUserDirectory: (el) => {
    const parties = children(child(el, 'parties'), 'party');
    if (parties.length > 10_000) throw new RequestError('parties: too many');
    return strip({
      op: 'updateUserDirectory',
      userID: optText(el, 'userID', 128),
      deviceNumber: optNumber(el, 'deviceNumber'),
      directoryName: reqText(el, 'directoryName', 128),
      parties: parties.map(readParty),
    });
  },
  queryRoutingPointState: service('queryRoutingPointState'),
  queryRoutingPointStatistics: (el) => ({ op: 'queryRoutingPointStatistics', service: reqText(el, 'service', 128), type: reqEnum(el, 'type', ['snapshot', 'total'] as const) }),
  resumeRoutingPoint: service('resumeRoutingPoint'),
  startRoutingPoint: (el) => strip({ op: 'startRoutingPoint', service: reqText(el, 'service', 128), template: optText(el, 'template', 128), config: readConfig(el) }),
  stopRoutingPoint: service('stopRoutingPoint'),
  suspendRoutingPoint: service('suspendRoutingPoint'),
  updateRoutingPoint: (el) => ({ op: 'updateRoutingPoint', service: reqText(el, 'service', 128), config: readConfig(el) }),
  updateDirectory: (el) => ({ op: 'updateDirectory', directoryName: reqText(el, 'directoryName', 128) }),
};

/** The operation element of a parsed `<TelServiceRequest>`, read into its typed request. */
export function readRequest(root: XmlElement): TsRequest {
  if (root.name !== 'TelServiceRequest') throw new RequestError('the root element must be TelServiceRequest');
  const ops = root.children;
  const op = ops[0];
  if (op === undefined || ops.length > 1) throw new RequestError('a TelServiceRequest holds exactly one service');
  const reader = Object.prototype.hasOwnProperty.call(READERS, op.name) ? READERS[op.name as TsOperation] : undefined;
  if (reader === undefined) throw new RequestError('unknown service');
  return reader(op);
}

/** Operation name for logs and metrics: a closed set, never raw client input. */
export function operationLabel(root: XmlElement | undefined): string {
  const name = root?.children[0]?.name;
  return name !== undefined && Object.prototype.hasOwnProperty.call(READERS, name) ? name : 'unknown';
}
