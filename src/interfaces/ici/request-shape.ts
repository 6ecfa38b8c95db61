/**
 * What makes an ICI request unambiguous, checked before any handler runs (the toolkit's `strict` option already
 * enforces the media type of the envelope's version, one Body, and the request element in its bean's `urn:Ici…Interface`
 * namespace): the Envelope is SOAP 1.1's or SOAP 1.2's (SOAP 1.1 §4.1.2: another namespace is a VersionMismatch), the
 * Body holds exactly one operation (seed 002 §9: one operation per request; "the first wins" would run what the client
 * may not have meant), and no parameter is given twice (which one would count is a guess).
 */
import { SOAP11_NS, SOAP12_NS, SoapFault, type SoapRequest } from '../../soap/index.js';
import type { XmlElement } from '../../xml/index.js';
import { badRequest, IciError, ICI_ERRORS } from './faults.js';

/**
 * Throws a VersionMismatch SoapFault (kind `request`, ICI 1/5 through the fault hook) for an Envelope in another
 * namespace, an IciError 1/5 for a Body with more than one element, 1/1 for a parameter given twice.
 */
export function checkRequestShape(soap: SoapRequest, element: XmlElement): void {
  if (soap.envelope.ns !== SOAP11_NS && soap.envelope.ns !== SOAP12_NS) {
    throw new SoapFault({
      code: 'VersionMismatch',
      reason: `The Envelope namespace '${soap.envelope.ns.slice(0, 128)}' is neither SOAP 1.1's nor SOAP 1.2's`,
      kind: 'request',
      reasonCode: 'versionMismatch',
    });
  }
  const entries = soap.body.children;
  if (entries.length > 1) {
    const names = entries.slice(0, 4).map((e) => e.name).join(', ');
    throw new IciError(ICI_ERRORS.unreadable, `the Body holds ${entries.length} elements (${names}); ICI takes one operation per request`);
  }
  const seen = new Set<string>();
  for (const param of element.children) {
    const key = param.name.toLowerCase();
    if (seen.has(key)) throw badRequest(`${param.name} is given more than once`);
    seen.add(key);
  }
}
