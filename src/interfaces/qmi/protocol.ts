/**
 * QMI names: namespace, SOAPAction, the request elements every spelling of which is accepted, and the one spelling
 * of each event ccgate emits.
 */
import type { SoapOperation } from '../../soap/index.js';

/** QMI 1.2 / 3.1: every element is qualified with this namespace. */
export const QMI_NS = 'http://sap.com/bcm/qmi/qmi_schema';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
/** QMI 3.1: the single SOAPAction of the web service, for requests and for the events ccgate posts to callbacks. */
export const QMI_ACTION = 'http://sap.com/BCM/QMIInterface';
/** QMI 3.1: the web service path. */
export const QMI_PATH = '/bcm/QMIInterface.asmx';

export const OPERATIONS = [
  'QMISubscribeSession',
  'QMIQueryCallInfo',
  'QMICallMonitoringStart',
  'QMICallMonitoringStartEx',
  'QMICallMonitoringStop',
  'QMICallMonitoringPause',
  'QMICallMonitoringResume',
  'QMIBCMRecordingStart',
  'QMIBCMRecordingStop',
  'QMIBCMRecordingPause',
  'QMIBCMRecordingResume',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * The request elements of each operation. The seed names bodies `<Operation>Request`, except StartEx, whose body is
 * `QMICallMonitoringStartRequestEx` (QMI 4.3.2.2, INVENTORY 1.7.8); the bare operation name and `…StartExRequest`
 * are accepted too, as a client generated from another WSDL might send them. Matched case-insensitively.
 */
function requestElements(op: Operation): string[] {
  const elements = [`${op}Request`, op];
  if (op === 'QMICallMonitoringStartEx') elements.unshift('QMICallMonitoringStartRequestEx');
  return elements;
}

/**
 * QMI's dispatch table. QMI 3.1 names one SOAPAction for the whole web service, so it names every operation and the
 * Body element decides; an action naming one operation (`…/QMIInterface/QMIQueryCallInfo`) must match the Body.
 */
export const QMI_OPERATIONS: readonly SoapOperation<Operation>[] = OPERATIONS.map((op) => ({
  name: op,
  elements: requestElements(op),
  actions: [QMI_ACTION, `${QMI_ACTION}/${op}`],
  ns: QMI_NS,
}));

const BODY_TO_OPERATION: ReadonlyMap<string, Operation> = new Map(
  QMI_OPERATIONS.flatMap((o) => o.elements.map((el): [string, Operation] => [el.toLowerCase(), o.name])),
);

export function operationOfBody(localName: string): Operation | undefined {
  return BODY_TO_OPERATION.get(localName.toLowerCase());
}

export type EventKind = 'CallInfo' | 'Newcall' | 'Callupdated' | 'Callended' | 'Callonhold' | 'Callresumed' | 'Callstate' | 'RequestResponse';

/**
 * How event elements are spelled (config `qmi.eventNames`). `examples`: each event as the seed's own example of it
 * writes it, since receivers are written from the examples and XML names are case-sensitive; `uniform`: every event
 * `QMICallInfo…Event` with `CallInfoParams`, as the function table of QMI 3.1 and the schema of 5.2 name them.
 */
export type EventSpelling = 'examples' | 'uniform';

/** The Body element of an event and, for events with a parameter structure, the structure's element. */
export interface EventElements {
  root: string;
  params?: string;
}

/**
 * One row per event, checked one by one against the seed's examples (test/qmi/event-names.test.ts):
 * 4.2.1.2 QMICallInfoEvent/CallInfoParams, 4.2.2.2 QMICallInfoNewcallEvent/CallInfoParams, 4.2.3.2
 * QMICallinfoCallupdatedEvent/CallinfoParams, 4.2.4.2 QMICallinfoCallendedEvent, 4.2.5.2 QMICallinfoCallonholdEvent
 * (3.2.2's prose example writes QMICallInfoCallonholdEvent), 4.2.6.2 QMICallinfoCallresumedEvent, 4.2.7.2
 * QMICallinfoCallstateEvent/CallStateParams, 4.2.8.2 QMIRequestResponseEvent/ReqResponseParams. Field names inside
 * the structures are the schema's (5.2.2: `MRSPort`, `BUserName`) in both spellings.
 */
export const EVENT_ELEMENTS: Readonly<Record<EventSpelling, Readonly<Record<EventKind, EventElements>>>> = {
  examples: {
    CallInfo: { root: 'QMICallInfoEvent', params: 'CallInfoParams' },
    Newcall: { root: 'QMICallInfoNewcallEvent', params: 'CallInfoParams' },
    Callupdated: { root: 'QMICallinfoCallupdatedEvent', params: 'CallinfoParams' },
    Callended: { root: 'QMICallinfoCallendedEvent' },
    Callonhold: { root: 'QMICallinfoCallonholdEvent' },
    Callresumed: { root: 'QMICallinfoCallresumedEvent' },
    Callstate: { root: 'QMICallinfoCallstateEvent', params: 'CallStateParams' },
    RequestResponse: { root: 'QMIRequestResponseEvent', params: 'ReqResponseParams' },
  },
  uniform: {
    CallInfo: { root: 'QMICallInfoEvent', params: 'CallInfoParams' },
    Newcall: { root: 'QMICallInfoNewcallEvent', params: 'CallInfoParams' },
    Callupdated: { root: 'QMICallInfoCallupdatedEvent', params: 'CallInfoParams' },
    Callended: { root: 'QMICallInfoCallendedEvent' },
    Callonhold: { root: 'QMICallInfoCallonholdEvent' },
    Callresumed: { root: 'QMICallInfoCallresumedEvent' },
    Callstate: { root: 'QMICallInfoCallstateEvent', params: 'CallStateParams' },
    RequestResponse: { root: 'QMIRequestResponseEvent', params: 'ReqResponseParams' },
  },
};

/** Event names as in QMI 3.1 (labels for logs and metrics). */
export const EVENT_NAME: Readonly<Record<EventKind, string>> = {
  CallInfo: 'QMICallInfo',
  Newcall: 'QMICallInfoNewcall',
  Callupdated: 'QMICallInfoCallupdated',
  Callended: 'QMICallInfoCallended',
  Callonhold: 'QMICallInfoCallonhold',
  Callresumed: 'QMICallInfoCallresumed',
  Callstate: 'QMICallInfoCallstate',
  RequestResponse: 'QMIRequestResponse',
};

/** QMI 5.3.1 CallState values. */
export const CALL_STATE = { transfer: 0, join: 1, conference: 2, supervising: 3, prompt: 4 } as const;
export type CallStateValue = (typeof CALL_STATE)[keyof typeof CALL_STATE];

const WSDL_NAME = /(\b(?:name|element|ref)\s*=\s*")(qmi:)?([A-Za-z][\w.]*)"/g;

/**
 * wsdl/qmi.wsdl declares the events in the `examples` spelling; for another spelling every element declaration and
 * reference of an event (and of its parameter structure) is renamed, so the served WSDL describes what is sent.
 */
export function wsdlForSpelling(wsdl: string, spelling: EventSpelling): string {
  const renames = new Map<string, string>();
  for (const kind of Object.keys(EVENT_ELEMENTS.examples) as EventKind[]) {
    const from = EVENT_ELEMENTS.examples[kind];
    const to = EVENT_ELEMENTS[spelling][kind];
    if (from.root !== to.root) renames.set(from.root, to.root);
    if (from.params !== undefined && to.params !== undefined && from.params !== to.params) renames.set(from.params, to.params);
  }
  if (renames.size === 0) return wsdl;
  return wsdl.replace(WSDL_NAME, (whole, head: string, prefix: string | undefined, name: string) => {
    const to = renames.get(name);
    return to === undefined ? whole : `${head}${prefix ?? ''}${to}"`;
  });
}
