/**
 * QMI wire messages ccgate writes: the synchronous Response and the events posted to callbacks (faults: faults.ts). An event is
 * built once per core change and rendered per session, since only the QMISessID header differs (QMI 3.2.2: events
 * are multicast to every session, each with its own header).
 */
import { buildEnvelope, envelopeNamespace, ENVELOPE_PREFIX, type SoapVersion, type XMLBuilder } from '../../soap/index.js';
import { escapeText } from '../../xml/index.js';
import type { QmiError } from './errors.js';
import { EVENT_ELEMENTS, QMI_NS, XSD_NS, XSI_NS, type CallStateValue, type EventKind, type EventSpelling, type Operation } from './protocol.js';

/** The prefixes every QMI answer declares on its Envelope (responses here, faults in faults.ts). */
export const NAMESPACES = { qmi: QMI_NS, xsi: XSI_NS, xsd: XSD_NS } as const;

/** QMI 5.2.2, in the schema's order. */
export const CALL_INFO_FIELDS = [
  'CallID',
  'SIPCallID',
  'ANumber',
  'BNumber',
  'AgentNumber',
  'AUserName',
  'BUserName',
  'AgentUserName',
  'AgentIP',
  'AgentPort',
  'GateWayIP',
  'GateWayPort',
  'MRSIP',
  'MRSPort',
  'Codec',
  'TimeStamp',
  'BcmRecordingEn',
] as const;
export type CallInfoField = (typeof CALL_INFO_FIELDS)[number];
/** null = nillable and unknown: written as xsi:nil (QMI 5.2.1: AUserName is "NULL if the call is from outside"). */
export type CallInfoParams = Record<CallInfoField, string | number | null> & { CallID: string };

export type QmiEvent =
  | { kind: 'CallInfo' | 'Newcall' | 'Callupdated'; info: CallInfoParams }
  | { kind: 'Callended' | 'Callonhold' | 'Callresumed'; callId: string }
  | { kind: 'Callstate'; callId: string; state: CallStateValue; extra: string | null }
  | { kind: 'RequestResponse'; callId: string; request: Operation; error?: QmiError };

/** A message whose QMISessID is filled in per session. */
export interface EventTemplate {
  kind: EventKind;
  /** The QMI CallID the event is about (for logs and the projection's bookkeeping). */
  callId: string;
  render(sessionId: string): string;
}

function qmi(parent: XMLBuilder, name: string, value?: string | number | null): XMLBuilder {
  const el = parent.ele(QMI_NS, `qmi:${name}`);
  if (value === null) el.att(XSI_NS, 'xsi:nil', 'true');
  else if (value !== undefined) el.txt(String(value));
  return el;
}

/**
 * Events are written as strings rather than through xmlbuilder2: they are built once per core change at load (a DOM
 * per event cost ~0.3 ms), and their element names are this module's constants, so only values need escaping; a
 * value is made printable (XML 1.0 §2.2) and escaped, so no caller-supplied text can add markup.
 */
function el(name: string, value: string | number | null): string {
  if (value === null) return `<qmi:${name} xsi:nil="true"/>`;
  return `<qmi:${name}>${escapeText(String(value))}</qmi:${name}>`;
}

function eventBody(ev: QmiEvent, spelling: EventSpelling): string {
  const { root, params } = EVENT_ELEMENTS[spelling][ev.kind];
  const wrap = (inner: string): string => (params === undefined ? inner : `<qmi:${params}>${inner}</qmi:${params}>`);
  let inner: string;
  switch (ev.kind) {
    case 'CallInfo':
    case 'Newcall':
    case 'Callupdated':
      inner = wrap(CALL_INFO_FIELDS.map((f) => el(f, ev.info[f])).join(''));
      break;
    case 'Callended':
    case 'Callonhold':
    case 'Callresumed':
      inner = el('CallID', ev.callId);
      break;
    case 'Callstate':
      inner = wrap(`${el('CallID', ev.callId)}${el('CallState', ev.state)}${el('ExtraParameter', ev.extra)}`);
      break;
    case 'RequestResponse':
      // QMI 5.4.1: ErrorCode and ErrorPhrase explain a failure; on success they are left out (minOccurs 0).
      inner = wrap(
        `${el('CallID', ev.callId)}${el('Request', ev.request)}${el('Success', ev.error ? 0 : 1)}` +
          (ev.error ? `${el('ErrorCode', ev.error.code)}${el('ErrorPhrase', ev.error.phrase)}` : ''),
      );
      break;
  }
  return `<qmi:${root}>${inner}</qmi:${root}>`;
}

export function eventCallId(ev: QmiEvent): string {
  return 'info' in ev ? ev.info.CallID : ev.callId;
}

const P = ENVELOPE_PREFIX;
const EVENT_HEAD =
  `<?xml version="1.0" encoding="UTF-8"?><${P}:Envelope xmlns:${P}="${envelopeNamespace('1.1')}" xmlns:qmi="${QMI_NS}" ` +
  `xmlns:xsi="${XSI_NS}" xmlns:xsd="${XSD_NS}"><${P}:Header><qmi:QMISessID>`;

/** The event as posted to a callback, in the given spelling (config `qmi.eventNames`, QMI 4.2). */
export function eventTemplate(ev: QmiEvent, spelling: EventSpelling): EventTemplate {
  const tail = `</qmi:QMISessID></${P}:Header><${P}:Body>${eventBody(ev, spelling)}</${P}:Body></${P}:Envelope>`;
  return { kind: ev.kind, callId: eventCallId(ev), render: (sessionId) => EVENT_HEAD + escapeText(sessionId) + tail };
}

const responses = new Map<string, string>();

/** QMI 4.x.x.3: `<qmi:Response><qmi:Success>1</qmi:Success></qmi:Response>`; the same for every request. */
export function responseXml(version: SoapVersion, success: 0 | 1): string {
  const key = `${version}:${success}`;
  let xml = responses.get(key);
  if (xml === undefined) {
    xml = buildEnvelope(version, { namespaces: NAMESPACES, body: (b) => qmi(qmi(b, 'Response'), 'Success', success) });
    responses.set(key, xml);
  }
  return xml;
}
