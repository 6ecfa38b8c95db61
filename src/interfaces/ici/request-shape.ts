/**
 * What makes an ICI request unambiguous, checked before any handler runs (the toolkit's `strict` option already
 * enforces the media type of the envelope's version, an Envelope of SOAP 1.1 or 1.2 (else VersionMismatch), one Body
 * holding one element (seed 002 §9: one operation per request), and the request element in its bean's
 * `urn:Ici…Interface` namespace): no parameter is given twice (which one would count is a guess).
 */
import type { XmlElement } from '../../xml/index.js';
import { badRequest } from './faults.js';

/** Throws an IciError 1/1 for a parameter given twice. */
export function checkRequestShape(element: XmlElement): void {
  const seen = new Set<string>();
  for (const param of element.children) {
    const key = param.name.toLowerCase();
    if (seen.has(key)) throw badRequest(`${param.name} is given more than once`);
    seen.add(key);
  }
}
