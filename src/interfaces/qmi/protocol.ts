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
 * The seed spells these `QMICallInfo…` (3.1, 3.2.2) and `QMICallinfo…` (4.2.3–4.2.7); ccgate writes one consistent
 * spelling, the one of the function table in QMI 3.1, with the `Event` suffix every example body carries.
 */
export const EVENT_ELEMENT: Readonly<Record<EventKind, string>> = {
  CallInfo: 'QMICallInfoEvent',
  Newcall: 'QMICallInfoNewcallEvent',
  Callupdated: 'QMICallInfoCallupdatedEvent',
  Callended: 'QMICallInfoCallendedEvent',
  Callonhold: 'QMICallInfoCallonholdEvent',
  Callresumed: 'QMICallInfoCallresumedEvent',
  Callstate: 'QMICallInfoCallstateEvent',
  RequestResponse: 'QMIRequestResponseEvent',
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
