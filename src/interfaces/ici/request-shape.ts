/**
 * What makes an ICI request unambiguous, checked before any handler runs (the toolkit's `strict` option already
 * enforces the media type of the envelope's version, an Envelope of SOAP 1.1 or 1.2 (else VersionMismatch), one Body,
 * and the request element in its bean's `urn:Ici…Interface` namespace): the Body holds exactly one operation (seed
 * 002 §9: one operation per request; "the first wins" would run what the client may not have meant), and no parameter
 * is given twice (which one would count is a guess).
 */
import type { SoapRequest } from '../../soap/index.js';
import type { XmlElement } from '../../xml/index.js';
import { badRequest, IciError, ICI_ERRORS } from './faults.js';

/**
 * Throws an IciError 1/5 for a Body with more than one element, 1/1 for a parameter given twice.
 */
export function checkRequestShape(soap: SoapRequest, element: XmlElement): void {
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
