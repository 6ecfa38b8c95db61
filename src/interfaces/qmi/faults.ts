/**
 * QMI's faults, on the toolkit's fault hooks: QMI builds no envelope. QMI 1.2: "If an operation fails … a standard
 * SOAP 1.1 fault message element is included in the response", and the seed's example pairs it with
 * `Response/Success 0` (faultcode Client, faultstring "Parsing error"). So every fault, the toolkit's and QMI's own,
 * carries `Response/Success 0` before the Fault in the Body (SOAP 1.1 §4.4: the Fault is a body entry); a request the
 * toolkit could not read is worded "Parsing error" with the toolkit's reason as `detail/ErrorPhrase`; QMI's own
 * refusals have their faultstring and, where there is more to say, an ErrorPhrase.
 */
import { printable, SoapFault, type SoapFaultHooks, type XMLBuilder } from '../../soap/index.js';
import { NAMESPACES } from './messages.js';
import { QMI_NS } from './protocol.js';
import { RequestFault } from './requests.js';
import { BUSY_FAULT, SessionRefused } from './sessions.js';

/** Longest faultstring or ErrorPhrase written (they may quote client input). */
const MAX_TEXT = 500;

function clip(text: string): string {
  return printable(text).slice(0, MAX_TEXT);
}

function errorPhrase(phrase: string): (detail: XMLBuilder) => void {
  const text = clip(phrase);
  return (detail) => {
    detail.ele(QMI_NS, 'qmi:ErrorPhrase').txt(text);
  };
}

function successZero(body: XMLBuilder): void {
  body.ele(QMI_NS, 'qmi:Response').ele(QMI_NS, 'qmi:Success').txt('0');
}

/** A QMI request refused synchronously: faultcode Client, `reason` as faultstring, `phrase` as detail/ErrorPhrase. */
export function qmiFault(reason: string, phrase?: string): SoapFault {
  return new SoapFault({ code: 'Client', reason: clip(reason), ...(phrase === undefined ? {} : { detail: errorPhrase(phrase) }) });
}

/**
 * The busy answer for a request that would add events to a congested session (see BUSY_FAULT): faultcode Server,
 * `Response/Success 0`, nothing submitted. One immutable fault, thrown for every such request.
 */
export const QMI_BUSY_FAULT = new SoapFault({ code: 'Server', reason: BUSY_FAULT.faultstring, detail: errorPhrase(BUSY_FAULT.detail) });

export const QMI_FAULT_HOOKS: SoapFaultHooks = {
  // QMI's error table for what its handlers throw: malformed parameters and refused subscriptions.
  mapError(err) {
    if (err instanceof RequestFault) return qmiFault('Parsing error', err.message);
    if (err instanceof SessionRefused) return qmiFault('Subscription refused', err.message);
    return undefined;
  },
  fault(fault) {
    const worded = fault.kind === 'request' ? fault.with({ reason: 'Parsing error', detail: errorPhrase(fault.reason) }) : fault;
    return worded.with({ namespaces: { ...fault.namespaces, ...NAMESPACES }, bodyEntries: successZero });
  },
};
