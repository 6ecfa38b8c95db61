/**
 * ICI names: the twelve beans (seed 002 §7.1), their SOAPActions, service paths, namespaces and operations, and what
 * ccgate does with each operation in this version. One table; the endpoints, the dispatcher tables and the admin page
 * are all derived from it.
 */
import type { SoapOperation } from '../../soap/index.js';

/** §7.1: OII reads the SOAPAction of every call to OII.asmx and rewrites the path to the bean's service. */
export const SOAP_ACTION_BASE = 'http://inqmy.com/soapdispatcher/rpc/bcbici/';
/** §7.1: the one endpoint SAP CRM's RFC destination points at (path prefix /OII/OII.asmx). */
export const OII_PATH = '/OII/OII.asmx';
export const OII_DEFAULT_PAGE = '/OII/default.aspx';
export const EVENT_NS = 'urn:IciEventInterface';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export const BEAN_NAMES = [
  'IciSystem',
  'IciUser',
  'IciContainer',
  'IciItem',
  'IciPhoneLine',
  'IciPhoneCall',
  'IciFolder',
  'IciMessage',
  'IciChatLine',
  'IciChatSession',
  'IciActionItem',
  'IciMonitor',
] as const;
export type BeanName = (typeof BEAN_NAMES)[number];

/**
 * What ccgate does with an operation: `implemented`; `notAvailable`, ICI part 2 (e-mail, chat, action items, web
 * callbacks, call recordings), answered with a fault saying so; `notImplemented`, what OII itself does not implement
 * (IciMonitor "not ready for production use", listen/listenEnd, join, conference, enqueue, internal test operations).
 */
export type Availability = 'implemented' | 'notAvailable' | 'notImplemented';

export interface BeanOperation {
  /** `Bean.operation`: unique over all beans (OII.asmx serves them all). */
  id: string;
  bean: BeanName;
  /** Canonical operation name; its response element is `<name>Response`. */
  name: string;
  /** Request elements that mean it, canonical first (the seed's variants after it; matched case-insensitively too). */
  elements: readonly string[];
  availability: Availability;
}

export interface Bean {
  name: BeanName;
  /** `urn:<Bean>Interface`: the request and response element namespace. */
  ns: string;
  /** The SOAPAction (SOAP 1.2: the `action` parameter) naming the bean. */
  action: string;
  /** The bean's own ASP.NET service. */
  path: string;
  operations: readonly BeanOperation[];
}

type OpSpec = readonly [name: string, availability?: Availability, ...variants: string[]];

/** §7.1 and §9, with the spellings of INVENTORY 3.13 (setWorkmode, createCallback, getCallbacks, getSession). */
const SPECS: Record<BeanName, readonly OpSpec[]> = {
  IciSystem: [
    ['exchangeProductInformation'],
    ['getWorkcenterCapability'],
    ['getPresenceQueueInfo'],
    ['getUserPresence'],
    ['getCallRecordings', 'notAvailable'],
    ['createCallBack', 'notAvailable', 'createCallback'],
    ['updateCallBack', 'notAvailable'],
    ['getCallBacks', 'notAvailable', 'getCallbacks'],
    // Internal operations a real installation's WSDL lists (spec/oii-wsdl): never documented.
    ['testGetUserPresence', 'notImplemented'],
    ['testGetUserPresence2', 'notImplemented'],
  ],
  IciUser: [
    ['getAttributes'],
    ['setCurrentWorkmode', 'implemented', 'setWorkmode'],
    ['setCurrentChannels'],
    ['setCurrentQueues'],
    ['setAddresses'],
    ['subscribe'],
    ['unsubscribe'],
  ],
  IciContainer: [['subscribe'], ['unsubscribe']],
  IciItem: [
    ['create'],
    ['wrapUpRequired'],
    ['wrapUpEnded'],
    ['accept'],
    ['reroute'],
    ['forward'],
    ['getAttachedData'],
    ['setAttachedData'],
    ['deleteAttachedData'],
  ],
  IciPhoneLine: [['getCalls'], ['dropCalls']],
  IciPhoneCall: [
    ['getAttributes'],
    ['dial'],
    ['consult'],
    ['transfer'],
    ['reconnect'],
    ['drop'],
    ['hold'],
    ['unhold'],
    ['alternate'],
    ['conference'],
    ['dropParty'],
    ['listen', 'notImplemented'],
    ['listenEnd', 'notImplemented'],
  ],
  IciFolder: [['getMessages', 'notAvailable']],
  IciMessage: [
    ['getAttributes', 'notAvailable'],
    ['getContent', 'notAvailable'],
    ['setContent', 'notAvailable'],
    ['delete', 'notAvailable'],
    ['send', 'notAvailable'],
    ['setActionFlags', 'notAvailable'],
    ['end', 'notAvailable'],
  ],
  IciChatLine: [['getSessions', 'notAvailable', 'getSession']],
  IciChatSession: [
    ['getAttributes', 'notAvailable'],
    ['postMessage', 'notAvailable'],
    ['getDialog', 'notAvailable'],
    ['invite', 'notAvailable'],
    ['leave', 'notAvailable'],
    ['join', 'notImplemented'],
    ['conference', 'notImplemented'],
  ],
  IciActionItem: [
    ['route', 'notAvailable'],
    ['enqueue', 'notImplemented'],
  ],
  IciMonitor: [
    ['subscribe', 'notImplemented'],
    ['getInstances', 'notImplemented'],
    ['getCatalog', 'notImplemented'],
    ['unsubscribe', 'notImplemented'],
  ],
};

export const BEANS: readonly Bean[] = BEAN_NAMES.map((name) => ({
  name,
  ns: `urn:${name}Interface`,
  action: `${SOAP_ACTION_BASE}${name}Bean`,
  path: `/OII/${name}Service.asmx`,
  operations: SPECS[name].map(([op, availability = 'implemented', ...variants]) => ({
    id: `${name}.${op}`,
    bean: name,
    name: op,
    elements: [op, ...variants],
    availability,
  })),
}));

const BY_ID: ReadonlyMap<string, BeanOperation> = new Map(BEANS.flatMap((b) => b.operations.map((o): [string, BeanOperation] => [o.id, o])));
const BEAN_BY_NAME: ReadonlyMap<BeanName, Bean> = new Map(BEANS.map((b) => [b.name, b]));

export function operation(id: string): BeanOperation | undefined {
  return BY_ID.get(id);
}

export function bean(name: BeanName): Bean {
  return BEAN_BY_NAME.get(name) as Bean;
}

/** The dispatch table of one bean's endpoint, or (`beans` = all) of OII.asmx: the bean's SOAPAction decides. */
export function soapTable(beans: readonly Bean[]): SoapOperation[] {
  return beans.flatMap((b) => b.operations.map((o) => ({ name: o.id, elements: o.elements, actions: [b.action], ns: b.ns })));
}

/** What part 2 of ICI covers, named in the "not available" fault of each bean. */
export const PART2_SCOPE: Readonly<Partial<Record<BeanName, string>>> = {
  IciSystem: 'web callbacks and call recordings',
  IciFolder: 'the e-mail channel',
  IciMessage: 'the e-mail channel',
  IciChatLine: 'the chat channel',
  IciChatSession: 'the chat channel',
  IciActionItem: 'the action item channel',
};
